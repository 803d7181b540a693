PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench train finetune eval clean

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

FOLDS := .aidbot/finetune/fold0.safetensors .aidbot/finetune/fold1.safetensors

# rebuild every learned file in index/learned/ from the question bank: the passage model
# fine-tuned twice, each time without one half of the train articles (about 20 min each on 2
# cores, kept in .aidbot/finetune/), the one that has not seen the half holding the shipped
# article shipped; then the ranker and "I don't know" decision on their candidates (about 12 min)
train: install $(FOLDS)
	$(BIN)/python scripts/train.py --fold-models $(FOLDS)

.aidbot/finetune/fold%.safetensors: | install
	mkdir -p $(@D)
	$(BIN)/python scripts/finetune.py --skip-report --fold $* --out $@

# the passage model fine-tuned on all the train articles, measured on dev (eval/README.md)
finetune: install
	$(BIN)/pip install --quiet -e '.[test,finetune]'
	$(BIN)/python scripts/finetune.py --out .aidbot/finetune/all.safetensors

# answer quality on the question bank's dev articles (eval/README.md); SPLIT=test to report test
SPLIT ?= dev
eval: install
	$(BIN)/aidbot eval --split $(SPLIT) --plot .aidbot/eval-$(SPLIT).png

clean:
	rm -rf $(VENV) .aidbot
