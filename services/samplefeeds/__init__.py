"""Sample news corpus with ground-truth labels, and the local server that publishes it."""
