"""Measure: attribution over journeys and the statistics of experiments.

Pure capability: DataFrames and numbers in, DataFrames and dataclasses out. Import the parts:
`tandem.analytics.attribution` and `tandem.analytics.experiments`.
"""
