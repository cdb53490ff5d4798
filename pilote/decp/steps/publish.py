"""Step 7, publish: the manifest is written with the row counts the run verified (pilote.decp.store.verify, run
beside step 6), then the generation is renamed into place and CURRENT replaced atomically. Before this step
nothing outside the run's temporary directories has changed; after it, readers see the new generation."""

import datetime

from pilote.decp import report, store


def publish(generation_dir, run_report, *, manifest, prepared, data_dir):
    """Publish `generation_dir` as generation `run_report["generation"]`; returns its final directory."""
    new_manifest = {
        "generation": run_report["generation"],
        "created": datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds"),
        "previous": (manifest or {}).get("generation"),
        "pipeline_version": store.PIPELINE_VERSION,
        "schema_version": store.SCHEMA_VERSION,
        "inputs": [*(manifest or {}).get("inputs", []), *run_report["files"]],
        "counts": run_report["totals"],
        "preparations": prepared,
        "runs": [*(manifest or {}).get("runs", []), report.run_summary(run_report)],
    }
    return store.publish(generation_dir, new_manifest, data_dir)
