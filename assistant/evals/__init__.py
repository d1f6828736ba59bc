"""Evals: cases as data (evals/cases/*.yaml), scorers as pure functions, runs as folders of answers."""
