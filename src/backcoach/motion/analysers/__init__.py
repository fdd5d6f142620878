"""One analyser module per exercise (``<exercise_id>.py`` exposing ``ANALYSER`` and
``DEFAULT_THRESHOLDS``), on the shared plumbing in :mod:`backcoach.motion.analysers.base`.

Look analysers up through :func:`backcoach.motion.registry.create_analyser`.
"""
