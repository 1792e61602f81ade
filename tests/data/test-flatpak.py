#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest parses for flatpak-builder without unknown properties, and keeps
the promises docs/architecture.md makes about it (app id, command, narrow finish-args,
every archive source pinned by sha256)."""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib  # noqa: E402
from taplib import check, run  # noqa: E402

SRC = os.environ['QUDAO_SOURCE_ROOT']
MANIFEST = os.path.join(SRC, 'flatpak', 'io.github.qudao.Qudao.json')
ALLOWED_FINISH_ARGS = {
    '--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11',
    '--device=dri',
}


@check
def flatpak_builder_accepts_the_manifest():
    # flatpak-builder wants a writable state dir even for --show-manifest; keep it private.
    with tempfile.TemporaryDirectory(prefix='qudao-flatpak-') as tmp:
        rc, out, err = run(['flatpak-builder', '--show-manifest', MANIFEST], cwd=tmp)
    problems = []
    if rc == 127:
        return 'flatpak-builder is not installed'
    if rc != 0:
        problems.append(f'flatpak-builder --show-manifest exit {rc}')
        problems += err.splitlines()
    problems += [line for line in err.splitlines() if 'Unknown property' in line]
    return problems


@check
def manifest_keeps_its_promises():
    with open(MANIFEST, encoding='utf-8') as f:
        m = json.load(f)
    problems = []
    if m.get('id') != 'io.github.qudao.Qudao':
        problems.append(f'id is {m.get("id")!r}')
    if m.get('command') != 'qudao':
        problems.append(f'command is {m.get("command")!r}')
    extra = set(m.get('finish-args', [])) - ALLOWED_FINISH_ARGS - {
        '--talk-name=org.freedesktop.secrets'}
    problems += [f'finish-arg wider than documented: {a}' for a in sorted(extra)]
    for mod in m.get('modules', []):
        if not isinstance(mod, dict):
            continue
        for s in mod.get('sources', []):
            if s.get('type') in ('archive', 'file'):
                if not re.fullmatch(r'[0-9a-f]{64}', s.get('sha256', '')):
                    problems.append(f'module {mod.get("name")}: source without a sha256')
    return problems


if __name__ == '__main__':
    sys.exit(taplib.main())
