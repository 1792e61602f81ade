#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""UI scenario: a regional manager reviews held orders on the Dashboard.

A real `qudao-server --demo` on a free loopback port; qudao-cli logs in as manager1 (华东)
and syncs a cache (the app's own sign-in lives on another branch, so the app opens that
cache with $QUDAO_STORE, without a sync engine); the real app is driven through AT-SPI:
open the Dashboard, approve one held order, reject another with a comment, see both
waiting to be sent. The app is closed, qudao-cli syncs the same cache (pushing the two
queued order.review mutations), and the server's own database shows one order approved and
the other rejected. Along the way: no dealer of 华南 appears anywhere on the page.
Prints TAP."""
import glob
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qdatspi as q  # noqa: E402

BUILD = os.environ['QUDAO_BUILD_ROOT']
SERVER = os.path.join(BUILD, 'src', 'server', 'qudao-server')
CLI = os.path.join(BUILD, 'src', 'cli', 'qudao-cli')
PASSWORD = 'qudao-demo'

results = []
state = {}


def step(name):
    def wrap(func):
        results.append((name, func))
        return func
    return wrap


def server_db():
    # Read-only, through our own connection: what the server stored, not what it says.
    path = os.path.join(state['work'], 'server', 'qudao-server.db')
    return sqlite3.connect(f'file:{path}?mode=ro', uri=True)


def wait_named(role_name, prefix):
    """A node whose name starts with prefix: GTK 4.8 appends a button's own text to the
    accessible label we give it ("Approve order SO-1 Approve")."""
    return q.wait_for(lambda: next((n for n in q.find_all(state['win'], role_name)
                                    if q.name(n).startswith(prefix)), None),
                      f'a {role_name} named “{prefix}…”')


def cli(*args, stdin=None):
    proc = subprocess.run([CLI, '--data-dir', os.path.join(state['work'], 'manager1'), *args],
                          input=stdin, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f'qudao-cli {" ".join(args)} failed ({proc.returncode}): '
                             f'{proc.stderr.strip()}')
    return proc.stdout + proc.stderr


@step('a demo server runs and manager1 syncs a cache with qudao-cli')
def start_server():
    work = state['work']
    log = open(os.path.join(work, 'server.log'), 'w+')
    state['server'] = subprocess.Popen(
        [SERVER, '--demo', '--demo-products', '2000',
         '--data-dir', os.path.join(work, 'server'),
         '--listen', '127.0.0.1:0'], stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=q._die_with_parent)

    def listening():
        log.seek(0)
        m = re.search(r'listening on (http://\S+)', log.read())
        if state['server'].poll() is not None:
            raise AssertionError('qudao-server exited: ' + log.read())
        return m.group(1) if m else None
    state['url'] = q.wait_for(listening, 'the server to listen', timeout=60)
    cli('login', '--server', state['url'], '--user', 'manager1', '--password-stdin',
        stdin=PASSWORD)
    cli('sync')
    caches = glob.glob(os.path.join(work, 'manager1', '**', '*.sqlite'), recursive=True)
    assert len(caches) == 1, f'expected one cache file, found {caches}'
    state['cache'] = caches[0]
    with server_db() as db:
        state['held'] = [r[0] for r in db.execute(
            "SELECT o.number FROM orders o JOIN dealers d ON d.id = o.dealer_id "
            "WHERE o.status = 'held' AND d.region_id = 'r-east' ORDER BY o.number")]
        state['south'] = [r[0] for r in db.execute(
            "SELECT name FROM dealers WHERE region_id = 'r-south'")]
        state['east'] = [r[0] for r in db.execute(
            "SELECT name FROM dealers WHERE region_id = 'r-east'")]
    assert len(state['held']) >= 2, f'the demo has {len(state["held"])} held orders in 华东'
    assert state['south'], 'the demo has no dealer in 华南'


@step('the app opens the Dashboard of the region')
def open_dashboard():
    state['app'] = q.App.start(BUILD, env={'QUDAO_STORE': state['cache'], 'LANGUAGE': 'en',
                                           'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8'})
    win = state['win'] = state['app'].window('Qudao')
    q.click(q.wait_node(win, 'page tab', 'Dashboard'))
    q.wait_node(win, 'label', 'Your Region')
    q.wait_node(win, 'label', 'Orders Held for Review')


@step('no dealer of 华南 is visible, the dealers of 华东 are')
def scope():
    texts = []
    for n in q.walk(state['win']):
        texts.append(q.name(n))
        texts.append(n.get_description() or '')
    blob = '\n'.join(texts)
    shown_south = [d for d in state['south'] if d in blob]
    assert not shown_south, f'dealers of 华南 on the page: {shown_south}'
    shown_east = [d for d in state['east'] if d in blob]
    assert len(shown_east) == len(state['east']), \
        f'only {len(shown_east)} of the {len(state["east"])} dealers of 华东 are on the page'


@step('approve one held order')
def approve():
    win = state['win']
    number = state['held'][0]
    q.click(wait_named('push button', f'Approve order {number}'))
    wait_named('label', 'Approval saved — it will be sent when you are online.')


@step('reject another with a comment')
def reject():
    win = state['win']
    number = state['held'][1]
    # Without a comment the page asks for one.
    q.click(wait_named('push button', f'Reject order {number}'))
    wait_named('label', 'Say in the comment why the order is rejected.')
    q.type_text(wait_named('text', f'Comment on order {number}'),
                'Three months of stock at once; split it')
    q.click(wait_named('push button', f'Reject order {number}'))
    wait_named('label', 'Rejection saved — it will be sent when you are online.')


@step('both orders show their decision waiting to be sent')
def waiting():
    win = state['win']

    def both():
        labels = [q.name(n) for n in q.find_all(win, 'label')]
        return sum(1 for t in labels if t.endswith('decision waiting to be sent')) >= 2
    q.wait_for(both, 'two held orders waiting to be sent')
    state['app'].stop()


@step('a sync sends both decisions; the server has one approved, one rejected')
def sync_and_check():
    out = cli('sync')
    assert 'Sent 2 changes (0 rejected)' in out, f'qudao-cli sync said: {out!r}'
    with server_db() as db:
        status = dict(db.execute('SELECT number, status FROM orders WHERE number IN (?, ?)',
                                 state['held'][:2]))
    assert status == {state['held'][0]: 'approved', state['held'][1]: 'rejected'}, status


def main():
    state['work'] = tempfile.mkdtemp(prefix='qudao-ui-dashboard-')
    print(f'1..{len(results)}', flush=True)
    failed = False
    try:
        for i, (name, func) in enumerate(results, 1):
            if failed:
                print(f'ok {i} {name} # SKIP an earlier step failed', flush=True)
                continue
            try:
                func()
                print(f'ok {i} {name}', flush=True)
            except BaseException:
                failed = True
                print(f'not ok {i} {name}', flush=True)
                for line in traceback.format_exc().splitlines():
                    q.log(line)
                if 'win' in state:
                    try:
                        for line in q.dump(state['win'])[:400]:
                            print('# ' + line, file=sys.stderr)
                    except Exception:
                        pass
    finally:
        if 'app' in state:
            state['app'].stop()
        if 'server' in state:
            state['server'].terminate()
            state['server'].wait(timeout=30)
        shutil.rmtree(state['work'], ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
