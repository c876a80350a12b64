"""Running a check: the layer between the command line and what it runs.

The command line builds one :class:`~consentrules.execute.run.Run` (configuration, rules,
files, limits) and hands it to :func:`consentrules.execute.parallel.check_files`, which returns
the findings and the summaries of the snapshots, in file order. How it gets them is this
layer's business alone:

* ``snapshots``: reading one snapshot through the adapter that recognises it, and its summary;
* ``parallel``: one snapshot after another, or many shared out to a standard-library process
  pool (``concurrent.futures.ProcessPoolExecutor`` with forked workers);
* ``split``, ``pipes``: one large JSON snapshot cut into runs checked by forked workers at once;
* ``inturn``: the same runs, one after another in this process (``--jobs 1``);
* ``splitmerge``: the runs' findings and summaries put back together;
* ``process``: the process around a run (the garbage collector, signals, what is left undone
  when the process ends right after).

Like tox's ``execute`` package, it knows nothing of options' spelling: it reads the run's
read-only options by name.
"""
