"""``make bench``: every benchmark of the project, one after the other.

``make bench BENCH_ARGS="--sizes 1000,5000"`` passes its arguments to the
search benchmark. The mixed customer load runs for 60 s against one gunicorn
node and, when PostgreSQL and Redis are there (``eval "$(tools/services.sh)"``),
against the cluster.
"""

import os
import subprocess
import sys
from pathlib import Path

from bench_load import cluster_services_missing

HERE = Path(__file__).resolve().parent

print("\n=== diagnostics ===", flush=True)
subprocess.run([sys.executable, str(HERE / "bench_diagnostics.py")], check=True)
print("\n=== diagnose API ===", flush=True)
subprocess.run([sys.executable, str(HERE / "bench_diagnose_api.py")], check=True)
print("\n=== learning ===", flush=True)
subprocess.run([sys.executable, str(HERE / "bench_learning.py")], check=True)
print("\n=== line monitoring (1,000 lines) ===", flush=True)
subprocess.run([sys.executable, str(HERE / "bench_monitoring.py")], check=True)
print("\n=== e-mail intake ===", flush=True)
subprocess.run([sys.executable, str(HERE / "bench_mail.py")], check=True)
print("\n=== load: one gunicorn node (mixed customer requests on loopback) ===", flush=True)
subprocess.run([sys.executable, str(HERE / "bench_load.py"), "--server", "gunicorn"], check=True)
print("\n=== load: the cluster (nginx, two gunicorn nodes, workers, beat) ===", flush=True)
cluster_missing = cluster_services_missing()
if cluster_missing:
    print(f"skipped: {cluster_missing}")
else:
    subprocess.run([sys.executable, str(HERE / "bench_load.py"), "--server", "cluster"],
                   check=True)
print("\n=== search ===", flush=True)
subprocess.run([sys.executable, str(HERE / "bench_search.py"), *sys.argv[1:]], check=True)
print("\n=== search backends side by side (PostgreSQL) ===", flush=True)
if os.environ.get("KB_BENCH_DATABASE_URL", "").startswith("postgres"):
    subprocess.run([sys.executable, str(HERE / "bench_search_backends.py")], check=True)
else:
    print("skipped: set KB_BENCH_DATABASE_URL=postgres://... (after tools/services.sh)")
