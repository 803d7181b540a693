PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench eval clean

install: $(STAMP)

# torch is pinned and installed first: a bare "torch" requirement would pull a CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(BIN)/aidbot run; \
	else echo "TELEGRAM_BOT_TOKEN is not set: chatting in the terminal instead."; $(BIN)/aidbot chat; fi

test: install
	$(BIN)/ruff check index bot tests scripts
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python scripts/bench_core.py

# answer quality: the seed corpus alone, then the seed with the evaluation articles beside it
EVAL := .aidbot/eval
eval: install
	$(BIN)/aidbot eval eval/questions.jsonl
	$(BIN)/aidbot eval eval/heldout.jsonl
	rm -rf $(EVAL) && mkdir -p $(EVAL)/corpus && cp corpus/*.md eval/articles/*.md $(EVAL)/corpus/
	for set in eval/questions.jsonl eval/heldout.jsonl eval/multi.jsonl eval/multi_heldout.jsonl; do \
		AIDBOT_CORPUS_DIR=$(EVAL)/corpus AIDBOT_INDEX_DIR=$(EVAL)/index \
		AIDBOT_MODEL_CACHE=$${AIDBOT_MODEL_CACHE:-.aidbot/models} $(BIN)/aidbot eval $$set; done

clean:
	rm -rf $(VENV) .aidbot
