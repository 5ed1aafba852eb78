// Live figures (placeholder until the page side lands).
