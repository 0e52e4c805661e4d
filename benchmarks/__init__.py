"""The console's benchmark suite: ``make bench`` (``python -m benchmarks``).

Every figure is measured beside a baseline taken in the same run (a bare Qt window,
a raw ``httpx`` POST, a plain Qt filter, an unfiltered query), because absolute times
on a shared 2-core machine are noisy. Budgets are reported as ok / not ok; a missed
budget never fails the run.

Layout: one module per metric group (:mod:`.startup`, :mod:`.launch`, :mod:`.memory`,
:mod:`.data`); the Qt work runs in child processes started from :mod:`.drivers`, so
this process stays Qt-free and every measurement starts from a clean interpreter.
"""
