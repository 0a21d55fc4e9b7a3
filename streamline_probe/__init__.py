"""streamline-probe: the probe agent a customer runs on the encoder machine.

It measures the ingest of each line once a minute (streamline_probe.probing,
the same code the site's own prober uses) and posts the samples to the
site's monitoring API, keeping them in a local file while the site cannot
be reached. Pure Python: no Django, nothing of the site's code.
"""
