"""What a visitor reads: the question understood, the evidence found, the answer written or refused."""
