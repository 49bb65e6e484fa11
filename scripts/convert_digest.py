"""Digest of what ``migrate convert`` writes, to prove a refactor changed no output byte.

Converts two trees with both targets and hashes every written file and the JSON report
(paths made relative, so the digest does not depend on where the trees lie):

* the shipped fixture tree (``fixtures/legacy``);
* the benchmark's generated tree (``benchmarks/convert_speed.generate_tree``, 14 varied copies
  of every leaf: 1,343 files today).

    python scripts/convert_digest.py --record    # writes fixtures/goldens/convert_digest.json
    python scripts/convert_digest.py --check     # exit 1 and names each file that differs

Re-record only when a change is *meant* to change the converter's output, and say so in the
commit.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, ROOT)
DIGEST = os.path.join(ROOT, 'fixtures', 'goldens', 'convert_digest.json')
TARGETS = ('mmengine', 'engine')


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _relative_report(report_path: str, tree: str, out: str) -> bytes:
    """The report without its timing, with the trees' locations replaced by names."""
    with open(report_path, encoding='utf-8') as f:
        report = json.load(f)
    report.get('summary', {}).pop('seconds', None)
    text = json.dumps(report, sort_keys=True)
    for prefix, name in ((out, '<out>'), (tree, '<tree>')):
        text = text.replace(prefix, name)
    return text.encode('utf-8')


def digest_tree(tree: str, workdir: str, label: str) -> dict:
    """``{target: {relative path: sha256}}`` of a conversion of ``tree`` (report included)."""
    from migrate.convert.driver import ConvertOptions, run_convert
    from migrate.schedule_map.memo import clear_schedule_memos
    result = {}
    for target in TARGETS:
        clear_schedule_memos()
        out = os.path.join(workdir, f'{label}-{target}')
        report = os.path.join(workdir, f'{label}-{target}.json')
        run_convert(tree, ConvertOptions(output=out, progress=False, target=target,
                                         report=report), echo=lambda s: None)
        files = {}
        for dirpath, _, filenames in os.walk(out):
            for name in filenames:
                path = os.path.join(dirpath, name)
                with open(path, 'rb') as f:
                    files[os.path.relpath(path, out)] = _sha(f.read())
        files['<report>'] = _sha(_relative_report(report, tree, out))
        result[target] = dict(sorted(files.items()))
    return result


def compute() -> dict:
    sys.path.insert(0, os.path.join(ROOT, 'benchmarks'))
    from convert_speed import generate_tree
    with tempfile.TemporaryDirectory(prefix='convert-digest-') as tmp:
        generated = os.path.join(tmp, 'legacy')
        generate_tree(generated, copies=14)
        return {
            'fixtures': digest_tree(os.path.join(ROOT, 'fixtures', 'legacy'), tmp, 'fixtures'),
            'generated': digest_tree(generated, tmp, 'generated'),
        }


def differences(recorded: dict, now: dict) -> list:
    out = []
    for tree in sorted(set(recorded) | set(now)):
        for target in sorted(set(recorded.get(tree, {})) | set(now.get(tree, {}))):
            old = recorded.get(tree, {}).get(target, {})
            new = now.get(tree, {}).get(target, {})
            for path in sorted(set(old) | set(new)):
                if old.get(path) != new.get(path):
                    state = ('missing now' if path not in new else
                             'new' if path not in old else 'differs')
                    out.append(f'{tree}/{target}: {path}: {state}')
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument('--record', action='store_true')
    mode.add_argument('--check', action='store_true')
    args = parser.parse_args(argv)
    now = compute()
    if args.record:
        with open(DIGEST, 'w', encoding='utf-8') as f:
            json.dump(now, f, indent=1, sort_keys=True)
            f.write('\n')
        print(f'recorded {sum(len(v) for t in now.values() for v in t.values())} digests '
              f'to {os.path.relpath(DIGEST, ROOT)}')
        return 0
    with open(DIGEST, encoding='utf-8') as f:
        recorded = json.load(f)
    diff = differences(recorded, now)
    for line in diff:
        print(line)
    total = sum(len(v) for t in now.values() for v in t.values())
    print(f'{total} files and reports compared, {len(diff)} differ')
    return 1 if diff else 0


if __name__ == '__main__':
    sys.exit(main())
