"""Evaluation: metrics with document-bootstrap confidence intervals, calibration,
baselines run side by side, Markdown/JSON reports, plots and the quality gate.

Entry point: ``stanceframe.eval.evaluate.evaluate_model``.
"""
