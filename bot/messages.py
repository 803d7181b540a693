"""Every sentence the bot says, in the languages it speaks (English is the fallback)."""

from __future__ import annotations

LANGUAGES = ("en", "fr", "uk", "de", "es", "pl", "ru")

MESSAGES: dict[str, dict[str, str]] = {
    "not_found": {
        "en": "I don't know: the articles I have do not answer this question.",
        "fr": "Je ne sais pas : les articles dont je dispose ne répondent pas à cette question.",
        "uk": "Я не знаю: статті, які я маю, не відповідають на це питання.",
        "de": "Ich weiß es nicht: Die Artikel, die ich habe, beantworten diese Frage nicht.",
        "es": "No lo sé: los artículos que tengo no responden a esta pregunta.",
        "pl": "Nie wiem: artykuły, które mam, nie odpowiadają na to pytanie.",
        "ru": "Я не знаю: в моих статьях нет ответа на этот вопрос.",
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
        "de": "Bitte stellen Sie eine Frage zur internationalen Hilfe für die Ukraine.",
        "es": "Haga una pregunta sobre la ayuda internacional a Ucrania.",
        "pl": "Zadaj pytanie o międzynarodową pomoc dla Ukrainy.",
        "ru": "Задайте вопрос о международной помощи Украине.",
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
        "de": (
            "Hallo! Ich beantworte Fragen zur internationalen Hilfe für die Ukraine anhand der "
            "Nachrichtenartikel, die ich habe, und zitiere die Sätze, auf die ich mich stütze, "
            "mit nummerierten Quellen.\n\n"
            "Schreiben Sie einfach Ihre Frage, zum Beispiel: Wie viel Hilfe hat Frankreich "
            "zugesagt?\n\n"
            "/help erklärt mehr; /sources listet die Artikel auf."
        ),
        "es": (
            "¡Hola! Respondo a preguntas sobre la ayuda internacional a Ucrania a partir de los "
            "artículos de prensa que tengo, citando las frases en las que me baso, con fuentes "
            "numeradas.\n\n"
            "Escriba simplemente su pregunta, por ejemplo: ¿Cuánta ayuda ha prometido "
            "Francia?\n\n"
            "/help explica más; /sources enumera los artículos."
        ),
        "pl": (
            "Cześć! Odpowiadam na pytania o międzynarodową pomoc dla Ukrainy na podstawie "
            "artykułów prasowych, które mam, i cytuję zdania, na których się opieram, z "
            "numerowanymi źródłami.\n\n"
            "Po prostu napisz pytanie, na przykład: Ile pomocy obiecała Francja?\n\n"
            "/help wyjaśnia więcej; /sources pokazuje listę artykułów."
        ),
        "ru": (
            "Здравствуйте! Я отвечаю на вопросы о международной помощи Украине по имеющимся у "
            "меня новостным статьям и цитирую предложения, на которые опираюсь, с "
            "пронумерованными источниками.\n\n"
            "Просто напишите свой вопрос, например: Сколько помощи пообещала Франция?\n\n"
            "/help расскажет подробнее; /sources покажет список статей."
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
        "de": (
            "Schreiben Sie eine Frage, und ich antworte mit Zitaten aus den Artikeln, nummeriert "
            "[1], [2]…; die Schaltfläche „Quellen“ unter einer Antwort zeigt die vollständigen "
            "Zitate und ihre Herkunft. Wenn die Artikel keine Antwort geben, sage ich das.\n\n"
            "In einer Gruppe erwähnen Sie mich (@{bot}) in Ihrer Frage oder schreiben /ask und "
            "die Frage.\n\n"
            "👍 oder 👎 unter einer Antwort teilt den Menschen, die mich betreiben, mit, ob sie "
            "geholfen hat. Ich speichere die Frage, die Quellen der Antwort und die Uhrzeit "
            "sowie die Fragen, die ich nicht beantworten konnte; niemals, wer gefragt oder "
            "gedrückt hat.\n\n"
            "/ask FRAGE: eine Frage stellen\n"
            "/sources: die Artikel, die ich kenne\n"
            "/whoami: Ihre Telegram-Benutzer-ID\n"
            "/help: diese Nachricht"
        ),
        "es": (
            "Escriba una pregunta y le respondo con citas de los artículos, numeradas [1], "
            "[2]…; el botón Fuentes bajo una respuesta muestra las citas completas y su "
            "procedencia. Cuando los artículos no responden, lo digo.\n\n"
            "En un grupo, mencióneme (@{bot}) en su pregunta o escriba /ask seguido de la "
            "pregunta.\n\n"
            "👍 o 👎 bajo una respuesta indica a las personas que me gestionan si ha sido "
            "útil. Guardo la pregunta, las fuentes de la respuesta y la hora, así como las "
            "preguntas que no he sabido responder; nunca quién preguntó ni quién pulsó.\n\n"
            "/ask PREGUNTA: hacer una pregunta\n"
            "/sources: los artículos que conozco\n"
            "/whoami: su identificador de usuario de Telegram\n"
            "/help: este mensaje"
        ),
        "pl": (
            "Napisz pytanie, a odpowiem cytatami z artykułów, numerowanymi [1], [2]…; przycisk "
            "„Źródła” pod odpowiedzią pokazuje pełne cytaty i ich pochodzenie. Gdy artykuły nie "
            "dają odpowiedzi, mówię o tym.\n\n"
            "W grupie oznacz mnie (@{bot}) w pytaniu albo napisz /ask i pytanie.\n\n"
            "👍 lub 👎 pod odpowiedzią informuje osoby, które mnie obsługują, czy odpowiedź "
            "pomogła. Zapisuję pytanie, źródła odpowiedzi i godzinę oraz pytania, na które nie "
            "umiałem odpowiedzieć; nigdy nie zapisuję, kto pytał ani kto kliknął.\n\n"
            "/ask PYTANIE: zadaj pytanie\n"
            "/sources: artykuły, które znam\n"
            "/whoami: twój identyfikator użytkownika Telegrama\n"
            "/help: ta wiadomość"
        ),
        "ru": (
            "Напишите вопрос, и я отвечу цитатами из статей, пронумерованными [1], [2]…; "
            "кнопка «Источники» под ответом показывает полные цитаты и их происхождение. Если "
            "в статьях нет ответа, я так и скажу.\n\n"
            "В группе упомяните меня (@{bot}) в вопросе или напишите /ask и вопрос.\n\n"
            "👍 или 👎 под ответом сообщает людям, которые мной управляют, помог ли он. Я "
            "сохраняю вопрос, источники ответа и время, а также вопросы, на которые я не смог "
            "ответить; никогда не сохраняю, кто спросил или нажал.\n\n"
            "/ask ВОПРОС: задать вопрос\n"
            "/sources: статьи, которые я знаю\n"
            "/whoami: ваш идентификатор пользователя Telegram\n"
            "/help: это сообщение"
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
        "de": (
            "Für Administratoren:\n"
            "/add URL: den Artikel unter einer Webadresse hinzufügen\n"
            "/add gefolgt von eingefügtem Text: die erste Zeile ist der Titel\n"
            "/add als Beschriftung einer .txt-, .md-, .html- oder .pdf-Datei oder als Antwort "
            "auf eine solche\n"
            "/remove ID: einen Artikel entfernen (/sources zeigt die IDs)\n"
            "/unanswered [TAGE]: die Fragen, die ich nicht beantworten konnte (standardmäßig "
            "die letzten 30 Tage), die häufigsten zuerst, ähnliche zusammengefasst"
        ),
        "es": (
            "Administradores:\n"
            "/add URL: añadir el artículo de una dirección web\n"
            "/add seguido de un texto pegado: la primera línea es el título\n"
            "/add como leyenda de un archivo .txt, .md, .html o .pdf, o en respuesta a uno\n"
            "/remove ID: eliminar un artículo (/sources muestra los identificadores)\n"
            "/unanswered [DÍAS]: las preguntas que no he sabido responder (los últimos 30 días "
            "por defecto), las más frecuentes primero, las parecidas agrupadas"
        ),
        "pl": (
            "Dla administratorów:\n"
            "/add URL: dodaj artykuł spod adresu internetowego\n"
            "/add i wklejony tekst: pierwszy wiersz to tytuł\n"
            "/add jako podpis pliku .txt, .md, .html lub .pdf albo w odpowiedzi na taki plik\n"
            "/remove ID: usuń artykuł (/sources pokazuje identyfikatory)\n"
            "/unanswered [DNI]: pytania, na które nie umiałem odpowiedzieć (domyślnie z "
            "ostatnich 30 dni), najczęstsze najpierw, podobne zgrupowane"
        ),
        "ru": (
            "Администраторам:\n"
            "/add URL: добавить статью по веб-адресу\n"
            "/add и вставленный текст: первая строка — заголовок\n"
            "/add как подпись к файлу .txt, .md, .html или .pdf или в ответ на него\n"
            "/remove ID: удалить статью (/sources показывает идентификаторы)\n"
            "/unanswered [ДНЕЙ]: вопросы, на которые я не смог ответить (по умолчанию за "
            "последние 30 дней), самые частые сначала, похожие сгруппированы"
        ),
    },
    "cmd_ask": {
        "en": "Ask a question",
        "fr": "Poser une question",
        "uk": "Поставити запитання",
        "de": "Eine Frage stellen",
        "es": "Hacer una pregunta",
        "pl": "Zadaj pytanie",
        "ru": "Задать вопрос",
    },
    "cmd_sources": {
        "en": "The articles I know",
        "fr": "Les articles que je connais",
        "uk": "Статті, які я знаю",
        "de": "Die Artikel, die ich kenne",
        "es": "Los artículos que conozco",
        "pl": "Artykuły, które znam",
        "ru": "Статьи, которые я знаю",
    },
    "cmd_help": {
        "en": "How to use this bot",
        "fr": "Mode d'emploi",
        "uk": "Як користуватися",
        "de": "So benutzen Sie diesen Bot",
        "es": "Cómo usar este bot",
        "pl": "Jak korzystać z bota",
        "ru": "Как пользоваться ботом",
    },
    "cmd_start": {
        "en": "Welcome",
        "fr": "Accueil",
        "uk": "Початок",
        "de": "Willkommen",
        "es": "Bienvenida",
        "pl": "Powitanie",
        "ru": "Приветствие",
    },
    "sources_button": {
        "en": "Sources",
        "fr": "Sources",
        "uk": "Джерела",
        "de": "Quellen",
        "es": "Fuentes",
        "pl": "Źródła",
        "ru": "Источники",
    },
    "sources_heading": {
        "en": "Sources",
        "fr": "Sources",
        "uk": "Джерела",
        "de": "Quellen",
        "es": "Fuentes",
        "pl": "Źródła",
        "ru": "Источники",
    },
    "sources_expired": {
        "en": "I no longer have this answer; please ask the question again.",
        "fr": "Je n'ai plus cette réponse ; posez à nouveau la question.",
        "uk": "Цієї відповіді вже немає; поставте запитання ще раз.",
        "de": "Diese Antwort habe ich nicht mehr; bitte stellen Sie die Frage noch einmal.",
        "es": "Ya no tengo esta respuesta; vuelva a hacer la pregunta.",
        "pl": "Nie mam już tej odpowiedzi; zadaj pytanie jeszcze raz.",
        "ru": "Этого ответа у меня уже нет; задайте вопрос ещё раз.",
    },
    "corpus_empty": {
        "en": "I have no articles yet.",
        "fr": "Je n'ai encore aucun article.",
        "uk": "У мене ще немає статей.",
        "de": "Ich habe noch keine Artikel.",
        "es": "Todavía no tengo artículos.",
        "pl": "Nie mam jeszcze żadnych artykułów.",
        "ru": "У меня пока нет статей.",
    },
    "corpus_heading": {
        "en": "Articles I know ({count}):",
        "fr": "Articles que je connais ({count}) :",
        "uk": "Статті, які я знаю ({count}):",
        "de": "Artikel, die ich kenne ({count}):",
        "es": "Artículos que conozco ({count}):",
        "pl": "Artykuły, które znam ({count}):",
        "ru": "Статьи, которые я знаю ({count}):",
    },
    "passages": {
        "en": "passages: {count}",
        "fr": "passages : {count}",
        "uk": "фрагментів: {count}",
        "de": "Abschnitte: {count}",
        "es": "fragmentos: {count}",
        "pl": "fragmentów: {count}",
        "ru": "фрагментов: {count}",
    },
    "rate_limited": {
        "en": "You are asking faster than I can answer. Please wait {seconds} s and ask again.",
        "fr": "Vous posez des questions plus vite que je ne peux répondre. Attendez {seconds} s "
        "et posez-la à nouveau.",
        "uk": "Ви питаєте швидше, ніж я встигаю відповідати. Зачекайте {seconds} с і спитайте "
        "ще раз.",
        "de": "Sie fragen schneller, als ich antworten kann. Bitte warten Sie {seconds} s und "
        "fragen Sie dann noch einmal.",
        "es": "Pregunta más rápido de lo que puedo responder. Espere {seconds} s y vuelva a "
        "preguntar.",
        "pl": "Pytasz szybciej, niż nadążam odpowiadać. Poczekaj {seconds} s i zapytaj "
        "ponownie.",
        "ru": "Вы спрашиваете быстрее, чем я успеваю отвечать. Подождите {seconds} с и "
        "спросите ещё раз.",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "fr": "Désolé, quelque chose s'est mal passé de mon côté. Réessayez dans un instant.",
        "uk": "Вибачте, у мене щось пішло не так. Спробуйте ще раз за хвилину.",
        "de": "Entschuldigung, bei mir ist etwas schiefgelaufen. Bitte versuchen Sie es gleich "
        "noch einmal.",
        "es": "Lo siento, algo ha fallado por mi parte. Vuelva a intentarlo en un momento.",
        "pl": "Przepraszam, coś poszło nie tak po mojej stronie. Spróbuj ponownie za chwilę.",
        "ru": "Извините, у меня что-то пошло не так. Попробуйте ещё раз через минуту.",
    },
    "admin_only": {
        "en": "Only the bot's administrators can change the articles.",
        "fr": "Seuls les administrateurs du bot peuvent modifier les articles.",
        "uk": "Змінювати статті можуть лише адміністратори бота.",
        "de": "Nur die Administratoren des Bots können die Artikel ändern.",
        "es": "Solo los administradores del bot pueden modificar los artículos.",
        "pl": "Tylko administratorzy bota mogą zmieniać artykuły.",
        "ru": "Изменять статьи могут только администраторы бота.",
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
        "de": (
            "Um einen Artikel hinzuzufügen: /add URL, oder /add gefolgt vom eingefügten Text "
            "(erste Zeile = Titel), oder senden Sie eine .txt-, .md-, .html- oder .pdf-Datei "
            "mit /add als Beschriftung."
        ),
        "es": (
            "Para añadir un artículo: /add URL, o /add seguido del texto pegado (primera línea "
            "= título), o envíe un archivo .txt, .md, .html o .pdf con /add como leyenda."
        ),
        "pl": (
            "Aby dodać artykuł: /add URL albo /add i wklejony tekst (pierwszy wiersz = tytuł), "
            "albo wyślij plik .txt, .md, .html lub .pdf z podpisem /add."
        ),
        "ru": (
            "Чтобы добавить статью: /add URL, или /add и вставленный текст (первая строка = "
            "заголовок), или отправьте файл .txt, .md, .html или .pdf с подписью /add."
        ),
    },
    "added": {
        "en": "Added {id}: {title} (passages: {passages}). I now answer from it too.",
        "fr": "Ajouté {id} : {title} (passages : {passages}). Je réponds désormais aussi à "
        "partir de cet article.",
        "uk": "Додано {id}: {title} (фрагментів: {passages}). Тепер я відповідаю і за нею.",
        "de": "{id} hinzugefügt: {title} (Abschnitte: {passages}). Ab jetzt antworte ich auch "
        "anhand dieses Artikels.",
        "es": "Añadido {id}: {title} (fragmentos: {passages}). Ahora también respondo a partir "
        "de este artículo.",
        "pl": "Dodano {id}: {title} (fragmentów: {passages}). Teraz odpowiadam także na "
        "podstawie tego artykułu.",
        "ru": "Добавлено {id}: {title} (фрагментов: {passages}). Теперь я отвечаю и по этой "
        "статье.",
    },
    "duplicate": {
        "en": "Already in the corpus as {id}: {title}. Nothing changed.",
        "fr": "Déjà dans le corpus sous l'identifiant {id} : {title}. Rien n'a changé.",
        "uk": "Уже є в корпусі як {id}: {title}. Нічого не змінено.",
        "de": "Bereits im Korpus als {id}: {title}. Nichts wurde geändert.",
        "es": "Ya está en el corpus como {id}: {title}. No se ha cambiado nada.",
        "pl": "Już jest w korpusie jako {id}: {title}. Nic nie zmieniono.",
        "ru": "Уже есть в корпусе как {id}: {title}. Ничего не изменено.",
    },
    "add_failed": {
        "en": "I could not add this article: {reason}",
        "fr": "Je n'ai pas pu ajouter cet article : {reason}",
        "uk": "Не вдалося додати цю статтю: {reason}",
        "de": "Ich konnte diesen Artikel nicht hinzufügen: {reason}",
        "es": "No he podido añadir este artículo: {reason}",
        "pl": "Nie udało się dodać tego artykułu: {reason}",
        "ru": "Не удалось добавить эту статью: {reason}",
    },
    "file_too_big": {
        "en": "This file is too big ({size} MB); the limit is {limit} MB.",
        "fr": "Ce fichier est trop gros ({size} Mo) ; la limite est de {limit} Mo.",
        "uk": "Цей файл завеликий ({size} МБ); обмеження {limit} МБ.",
        "de": "Diese Datei ist zu groß ({size} MB); die Grenze liegt bei {limit} MB.",
        "es": "Este archivo es demasiado grande ({size} MB); el límite es de {limit} MB.",
        "pl": "Ten plik jest za duży ({size} MB); limit wynosi {limit} MB.",
        "ru": "Этот файл слишком большой ({size} МБ); ограничение — {limit} МБ.",
    },
    "remove_usage": {
        "en": "Usage: /remove ID (/sources shows the ids).",
        "fr": "Usage : /remove ID (/sources montre les identifiants).",
        "uk": "Використання: /remove ID (/sources показує ідентифікатори).",
        "de": "Verwendung: /remove ID (/sources zeigt die IDs).",
        "es": "Uso: /remove ID (/sources muestra los identificadores).",
        "pl": "Użycie: /remove ID (/sources pokazuje identyfikatory).",
        "ru": "Использование: /remove ID (/sources показывает идентификаторы).",
    },
    "removed": {
        "en": "Removed {id}: {title}.",
        "fr": "Retiré {id} : {title}.",
        "uk": "Видалено {id}: {title}.",
        "de": "{id} entfernt: {title}.",
        "es": "Eliminado {id}: {title}.",
        "pl": "Usunięto {id}: {title}.",
        "ru": "Удалено {id}: {title}.",
    },
    "thanks_helpful": {
        "en": "Thank you! Glad it helped.",
        "fr": "Merci ! Ravi que cela vous ait aidé.",
        "uk": "Дякую! Радий, що це допомогло.",
        "de": "Danke! Schön, dass es geholfen hat.",
        "es": "¡Gracias! Me alegra que le haya servido.",
        "pl": "Dziękuję! Cieszę się, że pomogło.",
        "ru": "Спасибо! Рад, что это помогло.",
    },
    "thanks_unhelpful": {
        "en": "Thank you: I have noted that this answer did not help.",
        "fr": "Merci : j'ai noté que cette réponse ne vous a pas aidé.",
        "uk": "Дякую: я зазначив, що ця відповідь не допомогла.",
        "de": "Danke: Ich habe notiert, dass diese Antwort nicht geholfen hat.",
        "es": "Gracias: he anotado que esta respuesta no le ha servido.",
        "pl": "Dziękuję: zanotowałem, że ta odpowiedź nie pomogła.",
        "ru": "Спасибо: я отметил, что этот ответ не помог.",
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
        "de": (
            "Ihre Telegram-Benutzer-ID ist {id}. Sie sind kein Administrator dieses Bots; sein "
            "Betreiber kann Sie dazu machen, indem er {id} zu AIDBOT_ADMINS hinzufügt und den "
            "Bot neu startet."
        ),
        "es": (
            "Su identificador de usuario de Telegram es {id}. No es administrador de este bot; "
            "quien lo gestiona puede nombrarle añadiendo {id} a AIDBOT_ADMINS y reiniciando "
            "el bot."
        ),
        "pl": (
            "Twój identyfikator użytkownika Telegrama to {id}. Nie jesteś administratorem tego "
            "bota; jego operator może nadać ci te uprawnienia, dodając {id} do AIDBOT_ADMINS i "
            "uruchamiając bota ponownie."
        ),
        "ru": (
            "Ваш идентификатор пользователя Telegram: {id}. Вы не администратор этого бота; "
            "его оператор может назначить вас, добавив {id} в AIDBOT_ADMINS и перезапустив "
            "бота."
        ),
    },
    "whoami_admin": {
        "en": "Your Telegram user id is {id}. You are an administrator of this bot.",
        "fr": "Votre identifiant d'utilisateur Telegram est {id}. Vous êtes administrateur de "
        "ce bot.",
        "uk": "Ваш ідентифікатор користувача Telegram: {id}. Ви адміністратор цього бота.",
        "de": "Ihre Telegram-Benutzer-ID ist {id}. Sie sind Administrator dieses Bots.",
        "es": "Su identificador de usuario de Telegram es {id}. Es administrador de este bot.",
        "pl": "Twój identyfikator użytkownika Telegrama to {id}. Jesteś administratorem tego "
        "bota.",
        "ru": "Ваш идентификатор пользователя Telegram: {id}. Вы администратор этого бота.",
    },
    "admin_only_report": {
        "en": "Only the bot's administrators can see what readers asked.",
        "fr": "Seuls les administrateurs du bot peuvent voir ce que les lecteurs ont demandé.",
        "uk": "Бачити, що питали читачі, можуть лише адміністратори бота.",
        "de": "Nur die Administratoren des Bots können sehen, was Leser gefragt haben.",
        "es": "Solo los administradores del bot pueden ver lo que han preguntado los lectores.",
        "pl": "Tylko administratorzy bota mogą zobaczyć, o co pytali czytelnicy.",
        "ru": "Видеть, о чём спрашивали читатели, могут только администраторы бота.",
    },
    "unanswered_usage": {
        "en": "Usage: /unanswered, or /unanswered DAYS (1 to 365).",
        "fr": "Usage : /unanswered, ou /unanswered JOURS (de 1 à 365).",
        "uk": "Використання: /unanswered або /unanswered ДНІВ (від 1 до 365).",
        "de": "Verwendung: /unanswered oder /unanswered TAGE (1 bis 365).",
        "es": "Uso: /unanswered, o /unanswered DÍAS (de 1 a 365).",
        "pl": "Użycie: /unanswered albo /unanswered DNI (od 1 do 365).",
        "ru": "Использование: /unanswered или /unanswered ДНЕЙ (от 1 до 365).",
    },
    "unanswered_none": {
        "en": "Every question of the last {days} days had an answer.",
        "fr": "Toutes les questions des {days} derniers jours ont eu une réponse.",
        "uk": "На всі запитання за останні {days} днів була відповідь.",
        "de": "Jede Frage der letzten {days} Tage wurde beantwortet.",
        "es": "Todas las preguntas de los últimos {days} días tuvieron respuesta.",
        "pl": "Na każde pytanie z ostatnich {days} dni była odpowiedź.",
        "ru": "На все вопросы за последние {days} дн. был ответ.",
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
        "de": (
            "Fragen, die ich in den letzten {days} Tagen nicht beantworten konnte ({asked}-mal "
            "gestellt, {questions} verschiedene), die häufigsten zuerst:"
        ),
        "es": (
            "Preguntas que no he sabido responder en los últimos {days} días ({asked} veces, "
            "{questions} distintas), las más frecuentes primero:"
        ),
        "pl": (
            "Pytania, na które nie umiałem odpowiedzieć w ciągu ostatnich {days} dni (łącznie: "
            "{asked}, różnych: {questions}), najczęstsze najpierw:"
        ),
        "ru": (
            "Вопросы, на которые я не смог ответить за последние {days} дн. (всего: {asked}, "
            "разных: {questions}), самые частые сначала:"
        ),
    },
    "unanswered_more": {
        "en": "… and {more} more: `aidbot report` lists them all.",
        "fr": "… et {more} autres : `aidbot report` les liste toutes.",
        "uk": "… і ще {more}: `aidbot report` показує всі.",
        "de": "… und {more} weitere: `aidbot report` listet sie alle auf.",
        "es": "… y {more} más: `aidbot report` las enumera todas.",
        "pl": "… i jeszcze {more}: `aidbot report` pokazuje wszystkie.",
        "ru": "… и ещё {more}: `aidbot report` показывает все.",
    },
    "unanswered_unhelpful": {
        "en": "Answers marked 👎 in that time: {count} (`aidbot report` shows them by article).",
        "fr": "Réponses marquées 👎 sur cette période : {count} (`aidbot report` les montre par "
        "article).",
        "uk": "Відповідей із 👎 за цей час: {count} (`aidbot report` показує їх за статтями).",
        "de": "In diesem Zeitraum mit 👎 markierte Antworten: {count} (`aidbot report` zeigt "
        "sie nach Artikel).",
        "es": "Respuestas marcadas con 👎 en ese periodo: {count} (`aidbot report` las muestra "
        "por artículo).",
        "pl": "Odpowiedzi oznaczone 👎 w tym czasie: {count} (`aidbot report` pokazuje je "
        "według artykułów).",
        "ru": "Ответов с 👎 за это время: {count} (`aidbot report` показывает их по статьям).",
    },
    "unknown_article": {
        "en": "There is no article with the id {id}; /sources shows the ids.",
        "fr": "Aucun article n'a l'identifiant {id} ; /sources montre les identifiants.",
        "uk": "Немає статті з ідентифікатором {id}; /sources показує ідентифікатори.",
        "de": "Es gibt keinen Artikel mit der ID {id}; /sources zeigt die IDs.",
        "es": "No hay ningún artículo con el identificador {id}; /sources muestra los "
        "identificadores.",
        "pl": "Nie ma artykułu o identyfikatorze {id}; /sources pokazuje identyfikatory.",
        "ru": "Нет статьи с идентификатором {id}; /sources показывает идентификаторы.",
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
