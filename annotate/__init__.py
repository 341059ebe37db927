"""The annotation loop: choose sentences to label, hand them to Label Studio, read labels back."""
