"""Interactive explorers the lessons show behind one call, so a lesson's code is the pandas it teaches."""
