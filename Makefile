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

# rebuild the learned ranker and "I don't know" decision (index/learned/) from the question bank
train: install
	$(BIN)/python scripts/train.py

FOLDS := .aidbot/finetune/fold0.safetensors .aidbot/finetune/fold1.safetensors

# fine-tune the passage model on the question bank's train articles (about 45 min on 2 cores;
# its deltas go to index/learned/ and the model is prepared again with them), once more without
# each half of them (about 20 min each), then train the ranker and decision on its candidates,
# the train questions' from the model that has not seen their article (eval/README.md: measured,
# not shipped yet)
finetune: install
	$(BIN)/pip install --quiet -e '.[test,finetune]'
	$(BIN)/python scripts/finetune.py
	rm -f $(FOLDS)
	$(MAKE) $(FOLDS)
	$(BIN)/python scripts/train.py --fold-models $(FOLDS)

.aidbot/finetune/fold%.safetensors:
	mkdir -p $(@D)
	$(BIN)/python scripts/finetune.py --skip-report --fold $* --out $@

# answer quality on the question bank's dev articles (eval/README.md); SPLIT=test to report test
SPLIT ?= dev
eval: install
	$(BIN)/aidbot eval --split $(SPLIT) --plot .aidbot/eval-$(SPLIT).png

clean:
	rm -rf $(VENV) .aidbot
