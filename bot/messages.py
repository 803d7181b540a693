"""Every sentence the bot says, in the languages it speaks (English is the fallback)."""

from __future__ import annotations

LANGUAGES = ("en", "fr", "uk")

MESSAGES: dict[str, dict[str, str]] = {
    "not_found": {
        "en": "I don't know: the articles I have do not answer this question.",
        "fr": "Je ne sais pas : les articles dont je dispose ne répondent pas à cette question.",
        "uk": "Я не знаю: статті, які я маю, не відповідають на це питання.",
    },
    # the lead of an answer whose fact cannot be said in the reply language: the quote follows
    "lead_quote": {
        "en": "The articles I have say [1]:",
        "fr": "Les articles dont je dispose disent [1] :",
        "uk": "У статтях, які я маю, сказано [1]:",
        "de": "In meinen Artikeln steht [1]:",
        "es": "Los artículos que tengo dicen [1]:",
        "pl": "Artykuły, które mam, mówią [1]:",
        "ru": "В моих статьях сказано [1]:",
    },
    "lead_foreign": {
        "en": "I cannot say this in English myself; the answer is in this {source} "
        "sentence [1]:",
        "fr": "Je ne sais pas le dire moi-même en français ; la réponse est dans cette phrase "
        "en {source} [1] :",
        "uk": "Я не можу сам переказати це українською; відповідь у цьому реченні (мова: "
        "{source}) [1]:",
        "de": "Ich kann das nicht selbst auf Deutsch sagen; die Antwort steht in diesem Satz "
        "(Sprache: {source}) [1]:",
        "es": "No sé decirlo yo mismo en español; la respuesta está en esta frase (idioma: "
        "{source}) [1]:",
        "pl": "Nie umiem sam powiedzieć tego po polsku; odpowiedź jest w tym zdaniu (język: "
        "{source}) [1]:",
        "ru": "Я не могу сам пересказать это по-русски; ответ в этом предложении (язык: "
        "{source}) [1]:",
    },
    "more_sources": {
        "en": "Other sentences that may help: {refs}",
        "fr": "D'autres phrases qui peuvent aider : {refs}",
        "uk": "Інші речення, які можуть допомогти: {refs}",
        "de": "Weitere Sätze, die helfen können: {refs}",
        "es": "Otras frases que pueden ayudar: {refs}",
        "pl": "Inne zdania, które mogą pomóc: {refs}",
        "ru": "Другие предложения, которые могут помочь: {refs}",
    },
    "empty_question": {
        "en": "Please ask a question about international aid to Ukraine.",
        "fr": "Posez une question sur l'aide internationale à l'Ukraine.",
        "uk": "Поставте запитання про міжнародну допомогу Україні.",
    },
    # ---- Telegram ----
    "start": {
        "en": (
            "Hello! I answer questions about international aid to Ukraine from the news "
            "articles I hold, quoting the sentences I rely on, with numbered sources.\n\n"
            "Just write your question, for example: How much aid has France pledged?\n\n"
            "/help explains more; /sources lists the articles."
        ),
        "fr": (
            "Bonjour ! Je réponds aux questions sur l'aide internationale à l'Ukraine à partir "
            "des articles de presse dont je dispose, en citant les phrases sur lesquelles je "
            "m'appuie, avec des sources numérotées.\n\n"
            "Écrivez simplement votre question, par exemple : Quelle aide la France a-t-elle "
            "promise ?\n\n"
            "/help en dit plus ; /sources liste les articles."
        ),
        "uk": (
            "Вітаю! Я відповідаю на запитання про міжнародну допомогу Україні за статтями, "
            "які маю, і цитую речення, на які спираюся, з пронумерованими джерелами.\n\n"
            "Просто напишіть запитання, наприклад: Скільки допомоги пообіцяла Франція?\n\n"
            "/help розповідає більше; /sources показує статті."
        ),
    },
    "help": {
        "en": (
            "Write a question and I answer with quotes from the articles, numbered [1], [2]…; "
            "the Sources button under an answer shows the full quotes and where they come "
            "from. When the articles do not answer, I say so.\n\n"
            "In a group, mention me (@{bot}) in your question or write /ask and the "
            "question.\n\n"
            "👍 or 👎 under an answer tells the people who run me whether it helped. I keep "
            "the question, the answer's sources and the time, and the questions I could not "
            "answer; never who asked or pressed.\n\n"
            "/ask QUESTION: ask a question\n"
            "/sources: the articles I know\n"
            "/whoami: your Telegram user id\n"
            "/help: this message"
        ),
        "fr": (
            "Écrivez une question : je réponds avec des citations des articles, numérotées "
            "[1], [2]… ; le bouton Sources sous une réponse montre les citations complètes et "
            "leur origine. Quand les articles ne répondent pas, je le dis.\n\n"
            "Dans un groupe, mentionnez-moi (@{bot}) dans votre question ou écrivez /ask "
            "suivi de la question.\n\n"
            "👍 ou 👎 sous une réponse indique aux personnes qui me gèrent si elle vous a "
            "aidé. Je garde la question, les sources de la réponse et l'heure, ainsi que les "
            "questions auxquelles je n'ai pas su répondre ; jamais qui a posé la question ni "
            "qui a appuyé.\n\n"
            "/ask QUESTION : poser une question\n"
            "/sources : les articles que je connais\n"
            "/whoami : votre identifiant d'utilisateur Telegram\n"
            "/help : ce message"
        ),
        "uk": (
            "Напишіть запитання, і я відповім цитатами зі статей, пронумерованими [1], [2]…; "
            "кнопка «Джерела» під відповіддю показує повні цитати та їхнє походження. Якщо "
            "статті не дають відповіді, я так і скажу.\n\n"
            "У групі згадайте мене (@{bot}) у запитанні або напишіть /ask і запитання.\n\n"
            "👍 або 👎 під відповіддю повідомляє людям, які мною керують, чи вона допомогла. "
            "Я зберігаю запитання, джерела відповіді та час, а також запитання, на які я не "
            "зміг відповісти; ніколи не зберігаю, хто запитав чи натиснув.\n\n"
            "/ask ЗАПИТАННЯ: поставити запитання\n"
            "/sources: статті, які я знаю\n"
            "/whoami: ваш ідентифікатор користувача Telegram\n"
            "/help: це повідомлення"
        ),
    },
    "help_admin": {
        "en": (
            "Administrators:\n"
            "/add URL: add the article at a web address\n"
            "/add followed by pasted text: the first line is the title\n"
            "/add as the caption of a .txt, .md, .html or .pdf file, or in reply to one\n"
            "/remove ID: remove an article (/sources shows the ids)\n"
            "/unanswered [DAYS]: the questions I could not answer (last 30 days by default), "
            "most asked first, similar ones grouped"
        ),
        "fr": (
            "Administrateurs :\n"
            "/add URL : ajouter l'article d'une adresse web\n"
            "/add suivi d'un texte collé : la première ligne est le titre\n"
            "/add en légende d'un fichier .txt, .md, .html ou .pdf, ou en réponse à un fichier\n"
            "/remove ID : retirer un article (/sources montre les identifiants)\n"
            "/unanswered [JOURS] : les questions auxquelles je n'ai pas su répondre (30 "
            "derniers jours par défaut), les plus posées d'abord, les semblables regroupées"
        ),
        "uk": (
            "Адміністраторам:\n"
            "/add URL: додати статтю з веб-адреси\n"
            "/add і вставлений текст: перший рядок є заголовком\n"
            "/add як підпис до файлу .txt, .md, .html або .pdf чи у відповідь на нього\n"
            "/remove ID: видалити статтю (/sources показує ідентифікатори)\n"
            "/unanswered [ДНІВ]: запитання, на які я не зміг відповісти (типово за останні "
            "30 днів), найчастіші спершу, схожі згруповано"
        ),
    },
    "cmd_ask": {"en": "Ask a question", "fr": "Poser une question", "uk": "Поставити запитання"},
    "cmd_sources": {
        "en": "The articles I know",
        "fr": "Les articles que je connais",
        "uk": "Статті, які я знаю",
    },
    "cmd_help": {"en": "How to use this bot", "fr": "Mode d'emploi", "uk": "Як користуватися"},
    "cmd_start": {"en": "Welcome", "fr": "Accueil", "uk": "Початок"},
    "sources_button": {"en": "Sources", "fr": "Sources", "uk": "Джерела"},
    "sources_heading": {"en": "Sources", "fr": "Sources", "uk": "Джерела"},
    "sources_expired": {
        "en": "I no longer have this answer; please ask the question again.",
        "fr": "Je n'ai plus cette réponse ; posez à nouveau la question.",
        "uk": "Цієї відповіді вже немає; поставте запитання ще раз.",
    },
    "corpus_empty": {
        "en": "I have no articles yet.",
        "fr": "Je n'ai encore aucun article.",
        "uk": "У мене ще немає статей.",
    },
    "corpus_heading": {
        "en": "Articles I know ({count}):",
        "fr": "Articles que je connais ({count}) :",
        "uk": "Статті, які я знаю ({count}):",
    },
    "passages": {
        "en": "passages: {count}",
        "fr": "passages : {count}",
        "uk": "фрагментів: {count}",
    },
    "rate_limited": {
        "en": "You are asking faster than I can answer. Please wait {seconds} s and ask again.",
        "fr": "Vous posez des questions plus vite que je ne peux répondre. Attendez {seconds} s "
        "et posez-la à nouveau.",
        "uk": "Ви питаєте швидше, ніж я встигаю відповідати. Зачекайте {seconds} с і спитайте "
        "ще раз.",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "fr": "Désolé, quelque chose s'est mal passé de mon côté. Réessayez dans un instant.",
        "uk": "Вибачте, у мене щось пішло не так. Спробуйте ще раз за хвилину.",
    },
    "admin_only": {
        "en": "Only the bot's administrators can change the articles.",
        "fr": "Seuls les administrateurs du bot peuvent modifier les articles.",
        "uk": "Змінювати статті можуть лише адміністратори бота.",
    },
    "add_usage": {
        "en": (
            "To add an article: /add URL, or /add followed by the pasted text (first line = "
            "title), or send a .txt, .md, .html or .pdf file with /add as its caption."
        ),
        "fr": (
            "Pour ajouter un article : /add URL, ou /add suivi du texte collé (première ligne "
            "= titre), ou envoyez un fichier .txt, .md, .html ou .pdf avec /add en légende."
        ),
        "uk": (
            "Щоб додати статтю: /add URL, або /add і вставлений текст (перший рядок = "
            "заголовок), або надішліть файл .txt, .md, .html чи .pdf з підписом /add."
        ),
    },
    "added": {
        "en": "Added {id}: {title} (passages: {passages}). I now answer from it too.",
        "fr": "Ajouté {id} : {title} (passages : {passages}). Je réponds désormais aussi à "
        "partir de cet article.",
        "uk": "Додано {id}: {title} (фрагментів: {passages}). Тепер я відповідаю і за нею.",
    },
    "duplicate": {
        "en": "Already in the corpus as {id}: {title}. Nothing changed.",
        "fr": "Déjà dans le corpus sous l'identifiant {id} : {title}. Rien n'a changé.",
        "uk": "Уже є в корпусі як {id}: {title}. Нічого не змінено.",
    },
    "add_failed": {
        "en": "I could not add this article: {reason}",
        "fr": "Je n'ai pas pu ajouter cet article : {reason}",
        "uk": "Не вдалося додати цю статтю: {reason}",
    },
    "file_too_big": {
        "en": "This file is too big ({size} MB); the limit is {limit} MB.",
        "fr": "Ce fichier est trop gros ({size} Mo) ; la limite est de {limit} Mo.",
        "uk": "Цей файл завеликий ({size} МБ); обмеження {limit} МБ.",
    },
    "remove_usage": {
        "en": "Usage: /remove ID (/sources shows the ids).",
        "fr": "Usage : /remove ID (/sources montre les identifiants).",
        "uk": "Використання: /remove ID (/sources показує ідентифікатори).",
    },
    "removed": {
        "en": "Removed {id}: {title}.",
        "fr": "Retiré {id} : {title}.",
        "uk": "Видалено {id}: {title}.",
    },
    "thanks_helpful": {
        "en": "Thank you! Glad it helped.",
        "fr": "Merci ! Ravi que cela vous ait aidé.",
        "uk": "Дякую! Радий, що це допомогло.",
    },
    "thanks_unhelpful": {
        "en": "Thank you: I have noted that this answer did not help.",
        "fr": "Merci : j'ai noté que cette réponse ne vous a pas aidé.",
        "uk": "Дякую: я зазначив, що ця відповідь не допомогла.",
    },
    "whoami": {
        "en": (
            "Your Telegram user id is {id}. You are not an administrator of this bot; its "
            "operator can make you one by adding {id} to AIDBOT_ADMINS and restarting it."
        ),
        "fr": (
            "Votre identifiant d'utilisateur Telegram est {id}. Vous n'êtes pas administrateur "
            "de ce bot ; son opérateur peut vous nommer en ajoutant {id} à AIDBOT_ADMINS puis "
            "en le redémarrant."
        ),
        "uk": (
            "Ваш ідентифікатор користувача Telegram: {id}. Ви не адміністратор цього бота; "
            "його оператор може призначити вас, додавши {id} до AIDBOT_ADMINS і "
            "перезапустивши бота."
        ),
    },
    "whoami_admin": {
        "en": "Your Telegram user id is {id}. You are an administrator of this bot.",
        "fr": "Votre identifiant d'utilisateur Telegram est {id}. Vous êtes administrateur de "
        "ce bot.",
        "uk": "Ваш ідентифікатор користувача Telegram: {id}. Ви адміністратор цього бота.",
    },
    "admin_only_report": {
        "en": "Only the bot's administrators can see what readers asked.",
        "fr": "Seuls les administrateurs du bot peuvent voir ce que les lecteurs ont demandé.",
        "uk": "Бачити, що питали читачі, можуть лише адміністратори бота.",
    },
    "unanswered_usage": {
        "en": "Usage: /unanswered, or /unanswered DAYS (1 to 365).",
        "fr": "Usage : /unanswered, ou /unanswered JOURS (de 1 à 365).",
        "uk": "Використання: /unanswered або /unanswered ДНІВ (від 1 до 365).",
    },
    "unanswered_none": {
        "en": "Every question of the last {days} days had an answer.",
        "fr": "Toutes les questions des {days} derniers jours ont eu une réponse.",
        "uk": "На всі запитання за останні {days} днів була відповідь.",
    },
    "unanswered_heading": {
        "en": (
            "Questions I could not answer in the last {days} days ({asked} times, {questions} "
            "different), most asked first:"
        ),
        "fr": (
            "Questions auxquelles je n'ai pas su répondre ces {days} derniers jours ({asked} "
            "fois, {questions} différentes), les plus posées d'abord :"
        ),
        "uk": (
            "Запитання, на які я не зміг відповісти за останні {days} днів ({asked} разів, "
            "{questions} різних), найчастіші спершу:"
        ),
    },
    "unanswered_more": {
        "en": "… and {more} more: `aidbot report` lists them all.",
        "fr": "… et {more} autres : `aidbot report` les liste toutes.",
        "uk": "… і ще {more}: `aidbot report` показує всі.",
    },
    "unanswered_unhelpful": {
        "en": "Answers marked 👎 in that time: {count} (`aidbot report` shows them by article).",
        "fr": "Réponses marquées 👎 sur cette période : {count} (`aidbot report` les montre par "
        "article).",
        "uk": "Відповідей із 👎 за цей час: {count} (`aidbot report` показує їх за статтями).",
    },
    "unknown_article": {
        "en": "There is no article with the id {id}; /sources shows the ids.",
        "fr": "Aucun article n'a l'identifiant {id} ; /sources montre les identifiants.",
        "uk": "Немає статті з ідентифікатором {id}; /sources показує ідентифікатори.",
    },
}


def base_language(code: str | None) -> str:
    """'fr-CA' → 'fr'; unknown or empty → 'en'."""
    lang = (code or "").split("-")[0].split("_")[0].lower()
    return lang if lang in LANGUAGES else "en"


def text(key: str, language: str | None, **values: object) -> str:
    table = MESSAGES[key]
    template = table.get(base_language(language), table["en"])
    return template.format(**values) if values else template
