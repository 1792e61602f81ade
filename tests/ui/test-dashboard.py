#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""UI scenario: a regional manager reviews held orders on the Dashboard.

A real `qudao-server --demo` on a free loopback port; the real app, on an empty data
directory, is driven through AT-SPI as a manager would: sign in as manager1 (华东) in the
app's own sign-in window (the first sync fills the cache), open the Dashboard, approve one
held order, reject another with a comment, see both waiting to be sent, then Sync Now from
the sync indicator. The server's own database shows one order approved and the other
rejected, and the Dashboard (updated in place after the sync) no longer offers them. Along
the way: no dealer of 华南 appears anywhere on the page. Prints TAP."""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qdatspi as q  # noqa: E402
from qdscenario import BUILD, PASSWORD, SERVER, results, state, step  # noqa: E402


def server_db():
    # Read-only, through our own connection: what the server stored, not what it says.
    path = os.path.join(state['work'], 'server', 'qudao-server.db')
    return sqlite3.connect(f'file:{path}?mode=ro', uri=True)


def wait_named(role_name, prefix, timeout=q.DEFAULT_TIMEOUT):
    """A node whose name starts with prefix: GTK 4.8 appends a button's own text to the
    accessible label we give it ("Approve order SO-1 Approve")."""
    return q.wait_for(lambda: next((n for n in q.find_all(state.get('dash', state['win']),
                                                          role_name)
                                    if q.name(n).startswith(prefix)), None),
                      f'a {role_name} named “{prefix}…”', timeout=timeout)


@step('a demo server runs')
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


@step('manager1 signs in through the app’s sign-in window')
def sign_in():
    state['app'] = q.App.start(BUILD, env={'QUDAO_DATA_DIR': os.path.join(state['work'], 'client'),
                                           'LANGUAGE': 'en', 'LANG': 'C.UTF-8',
                                           'LC_ALL': 'C.UTF-8'})
    win = state['app'].window('Sign In')
    q.type_text(q.editable(win, 'Server address'), state['url'])
    q.type_text(q.editable(win, 'User name'), 'manager1')
    q.type_text(q.editable(win, 'Password'), PASSWORD)
    q.click(q.wait_for(lambda: q.button(win, 'Sign In'), 'the “Sign In” button'))
    state['win'] = state['app'].window('Qudao', timeout=60)


@step('the app opens the Dashboard of the region')
def open_dashboard():
    win = state['win']
    q.click(q.wait_node(win, 'page tab', 'Dashboard'))
    region = q.wait_node(win, 'label', 'Your Region', timeout=120)
    # The region's view (heading → view): every later search stays inside it, not in the
    # other pages' trees (the catalog alone has hundreds of rows).
    state['dash'] = region.get_parent().get_parent()
    q.wait_node(state['dash'], 'label', 'Orders Held for Review')
    # The first sync may still be filling the cache: wait for the held orders.
    wait_named('push button', f'Approve order {state["held"][1]}', timeout=120)


@step('no dealer of 华南 is visible, the dealers of 华东 are')
def scope():
    texts = []
    for n in q.walk(state['dash']):
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
    number = state['held'][0]
    q.click(wait_named('push button', f'Approve order {number}'))
    wait_named('label', 'Approval saved — it will be sent when you are online.')


@step('reject another with a comment')
def reject():
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
    def both():
        return sum(1 for t in q.labels(state['dash'])
                   if t.endswith('decision waiting to be sent')) >= 2
    q.wait_for(both, 'two held orders waiting to be sent')


@step('Sync Now sends both decisions; the server has one approved, one rejected')
def sync_and_check():
    win = state['win']
    indicator = q.wait_for(lambda: next((n for n in q.find_all(win, 'push button')
                                         if q.name(n).startswith('Sync status')), None),
                           'the sync indicator')
    q.click(indicator)
    q.click(q.wait_for(lambda: next((b for w in q.children(state['app'].node)
                                     for b in [q.button(w, 'Sync Now')] if b is not None), None),
                       'the Sync Now button'))

    def decided():
        with server_db() as db:
            status = dict(db.execute('SELECT number, status FROM orders WHERE number IN (?, ?)',
                                     state['held'][:2]))
        return status if status == {state['held'][0]: 'approved',
                                    state['held'][1]: 'rejected'} else None
    q.wait_for(decided, 'both decisions on the server', timeout=60)


@step('after the sync the Dashboard no longer offers the two orders')
def updated():
    def gone():
        # The same view, still there (updated in place), without the two orders.
        if q.find(state['dash'], 'label', 'Orders Held for Review') is None:
            return False
        names = [q.name(n) for n in q.find_all(state['dash'], 'push button')]
        return not any(n.startswith(f'Approve order {number}') for number in state['held'][:2]
                       for n in names)
    q.wait_for(gone, 'the decided orders to leave the review list', timeout=60)
    state['app'].stop()


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
                t0 = time.monotonic()
                func()
                q.log(f"{name}: {time.monotonic() - t0:.1f} s")
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
