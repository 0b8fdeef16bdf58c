#!/usr/bin/python3
"""Executes one .ipynb in a Jupyter kernel (the .NET kernel, `dotnet-interactive`, that VS Code and Jupyter start),
driven by nbclient, the client `jupyter nbconvert --execute` uses. Called by NotebookRunner.cs; Debian's
python3-nbclient and jupyter-nbconvert provide the modules (./workspace setup installs them).

    run_notebook.py NOTEBOOK OUTPUT.ipynb [--html OUTPUT.html] [--kernel .net-csharp] [--timeout SECONDS]

The kernel starts in the notebook's folder, as in VS Code and Jupyter. Execution stops at the first failing cell; the
executed copy (outputs so far) is still written, through a temporary file, and keeps the notebook's own metadata
(kernelspec, polyglot_notebook), which nbclient would otherwise replace with the kernel's language_info. The kernel's
connection probe (a script that fetches require.js from a CDN to reach the live kernel) is left out of the copy.
The last line on stdout is one JSON object: {"passed": bool, "cell": N or null, "source": "...", "error": "..."}.
Exit code: 0 passed, 1 a cell failed or the kernel did not run, 2 usage.
"""
import argparse
import copy
import json
import os
import sys

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
except ImportError as e:  # pragma: no cover - only on a machine that was not set up
    print(json.dumps({"passed": False, "cell": None, "source": "",
                      "error": f"{e}: run ./workspace setup (it installs python3-nbclient and jupyter-nbconvert)"}))
    sys.exit(1)


def first_error(nb):
    """(index, first source line, message) of the first cell with an error output, else None."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                message = f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": ")
                # dotnet-interactive reports compilation errors as stderr text beside an error named "Error".
                details = [o.get("text", "") for o in cell.get("outputs", [])
                           if o.get("output_type") == "stream" and o.get("name") == "stderr"]
                if details:
                    message += "\n" + "".join(details).strip()
                line = next((l.strip() for l in cell.source.splitlines() if l.strip()), "")
                return i, line, message
    return None


def drop_kernel_probes(nb):
    """Removes the script dotnet-interactive emits with its first output in Jupyter: it looks for the live kernel's
    HTTP port (loading require.js from a CDN) and has nothing to show once the run is over."""
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs
                            if not ("probeAddresses(" in str(o.get("data", {}).get("text/html", ""))
                                    and "dotnet-interactive-this-cell" in str(o.get("data", {}).get("text/html", "")))]


def write_atomically(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    temp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(temp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--html")
    parser.add_argument("--kernel", default=".net-csharp")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    metadata = copy.deepcopy(nb.metadata)
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, startup_timeout=180,
                            record_timing=False,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}})
    result = {"passed": True, "cell": None, "source": "", "error": ""}
    try:
        client.execute()
    except CellExecutionError:
        result["passed"] = False
    except (DeadKernelError, RuntimeError, TimeoutError) as e:
        result.update(passed=False, error=f"{type(e).__name__}: {e}")
    except Exception as e:  # the kernel could not start (not registered, dotnet tools not restored)
        result.update(passed=False, error=f"{type(e).__name__}: {e}")
    failed = first_error(nb)
    if failed is not None:
        index, line, message = failed
        result.update(passed=False, cell=index + 1, source=line, error=message)

    nb.metadata = metadata
    drop_kernel_probes(nb)
    write_atomically(args.output, nbformat.writes(nb))
    if args.html:
        from nbconvert import HTMLExporter
        body, _ = HTMLExporter().from_notebook_node(nb)
        write_atomically(args.html, body)
    print(json.dumps(result))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
