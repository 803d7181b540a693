class IngestError(ValueError):
    """Bad input for the corpus; the message is meant for the person who sent it."""
