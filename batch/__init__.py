"""Scoring corpora at scale: sharded, restartable runs on one process or on Ray Data."""
