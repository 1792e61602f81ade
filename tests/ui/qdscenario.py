# SPDX-License-Identifier: GPL-3.0-or-later
"""What the UI scenarios share besides AT-SPI (qdatspi.py): the list of steps a scenario
runs, its state, and a real qudao-server of the build with the API as a client sees it.
Each scenario runs in a process of its own, so module state is the scenario's."""
import json
import os
import re
import signal
import subprocess
import urllib.request

import qdatspi as q

BUILD = os.environ['QUDAO_BUILD_ROOT']
SERVER = os.path.join(BUILD, 'src', 'server', 'qudao-server')
PASSWORD = 'qudao-demo'

results = []
state = {}


def step(name):
    def wrap(func):
        results.append((name, func))
        return func
    return wrap


# ---- the server ----------------------------------------------------------------------

def start_server(port=0, demo=False):
    args = [SERVER, '--data-dir', state['server_dir'], '--listen', f'127.0.0.1:{port}']
    if demo:
        args += ['--demo', '--demo-products', '2000']
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=q._die_with_parent)
    for _ in range(50):
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r'listening on (http://[\d.]+:(\d+))', line)
        if m:
            state['server'] = proc
            state['url'] = m.group(1)
            return int(m.group(2))
    proc.kill()
    raise AssertionError('qudao-server did not say where it listens: '
                         + proc.stderr.read()[:2000])


def stop_server():
    proc = state.pop('server', None)
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def api(path, body=None, token=None):
    req = urllib.request.Request(state['url'] + '/api/v1' + path,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={'Content-Type': 'application/json'})
    if token:
        req.add_header('Authorization', 'Bearer ' + token)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def catalog():
    """dealer1's products, prices and dealer record, read from the API like the client."""
    token = api('/session', {'username': 'dealer1', 'password': PASSWORD})['token']
    products, prices, dealer = {}, {}, None
    cursor = None
    while True:
        page = api('/changes?limit=5000' + (f'&since={cursor}' if cursor else ''), token=token)
        for c in page['changes']:
            if c['entity'] == 'product':
                products[c['id']] = c['data']
            elif c['entity'] == 'price':
                prices[c['data']['product_id']] = c['data']['unit_price_fen']
            elif c['entity'] == 'dealer':
                dealer = c['data']
        cursor = page['cursor']
        if not page['has_more']:
            return products, prices, dealer


# ---- the app ---------------------------------------------------------------------------

def show_page(title):
    q.click(q.find(state['win'], 'page tab', title))
