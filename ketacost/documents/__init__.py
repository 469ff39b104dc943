"""Documents built from estimates: a comparison, a sensitivity analysis, a Good Faith Estimate."""
