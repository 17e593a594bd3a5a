"""The committee's view: statistics, the weekly report image and exports."""
