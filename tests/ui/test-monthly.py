#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""UI scenario of a dealer's month end against a real qudao-server --demo (issue 6): a stock
report with a lot-tracked product entered and submitted while the server is stopped, synced
and found on the server; a GB18030 CSV with three bad lines opened with Qudao, each bad line
reported in the import preview; two statement lines disputed; the brand revises the
statement (admin API) and a confirmation of the old version is shown as stale; the new
version confirmed; the statement exported to PDF through GtkPrintOperation and its text
checked with pdftotext. Drives the real qudao binary through AT-SPI. Prints TAP."""
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qdatspi as q  # noqa: E402
from qdscenario import BUILD, PASSWORD, api, catalog, results, show_page, start_server, state, step, stop_server  # noqa: E402


# ---- the server ----------------------------------------------------------------------


# ---- the app ---------------------------------------------------------------------------


def sync_now():
    """Sync Now in the sync indicator's popover. The popover stays open after Sync Now
    unless something took the focus meanwhile (a dialog), and clicking the indicator of an
    open popover closes it: use the button when it is there, else open the popover."""
    win = state['win']
    indicator = q.wait_for(lambda: next((n for n in q.find_all(win, 'push button')
                                         if q.name(n).startswith('Sync status')), None),
                           'the sync indicator')

    def sync_button():
        try:
            return next((b for w in q.children(state['app'].node)
                         for b in [q.button(w, 'Sync Now')] if b is not None), None)
        except q.gi.repository.GLib.Error:  # a node vanished while we looked
            return None
    for _attempt in range(3):
        found = sync_button()
        if found is None:
            q.click(indicator)
            try:
                found = q.wait_for(sync_button, 'the Sync Now button', timeout=5)
            except q.Timeout:
                continue
        q.click(found)
        return
    raise AssertionError('the sync indicator shows no Sync Now button')


# ---- helpers of this scenario -----------------------------------------------------------

def dealer_api(path):
    """GET path as dealer1. The token is kept: signing in costs the server an Argon2id
    hash, too much to repeat at every poll of a wait."""
    for _attempt in range(2):
        if 'dealer_token' not in state:
            state['dealer_token'] = api('/session', {'username': 'dealer1',
                                                     'password': PASSWORD})['token']
        try:
            return api(path, token=state['dealer_token'])
        except urllib.error.HTTPError as e:
            if e.code != 401:
                raise
            del state['dealer_token']
    raise AssertionError(f'dealer1 cannot read {path}')


def changes(username, password=PASSWORD):
    """Every entity the user may see, latest version of each, from the change feed."""
    if username == 'dealer1':
        get = dealer_api
    else:
        token = api('/session', {'username': username, 'password': password})['token']

        def get(path):
            return api(path, token=token)
    out, cursor = {}, None
    while True:
        page = get('/changes?limit=5000' + (f'&since={cursor}' if cursor else ''))
        for c in page['changes']:
            out[(c['entity'], c['id'])] = c.get('data')
        cursor = page['cursor']
        if not page['has_more']:
            return out


def dealer_statement(sid):
    """The statement as the server holds it for dealer1 (GET /statements/{id})."""
    return dealer_api(f'/statements/{sid}')


def detail_labels():
    """The labels of the statement detail only: a walk of the whole window reads the Order
    page's catalog too, which made each poll cost a second on a busy machine."""
    def find():
        # The closest ancestor of the lines that holds the balances too.
        node = q.find(state['win'], 'list', 'Statement lines')
        for _ in range(12):
            node = node.get_parent() if node is not None else None
            if node is not None and any(t.startswith('Opening balance') for t in q.labels(node)):
                return node
        return None
    for _attempt in range(2):
        if state.get('detail') is None:
            state['detail'] = q.wait_for(find, 'the statement detail')
        try:
            return q.labels(state['detail'])
        except q.gi.repository.GLib.Error:
            state['detail'] = None
    return []


def admin_token():
    return api('/session', {'username': 'admin', 'password': PASSWORD})['token']


def dialog_with(button_text):
    """A dialog window (not the main window) with a response button labelled button_text.
    A message dialog has no title of its own: its accessible name may be the app's."""
    return q.wait_for(lambda: next((w for w in q.children(state['app'].node)
                                    if w is not None and q.button(w, button_text) is not None
                                    and w != state['win']), None),
                      f'a dialog with “{button_text}”')


def select_statement(period):
    win = state['win']
    lst = q.wait_for(lambda: q.find(win, 'list', 'Statements'), 'the Statements list')

    def find():
        for i, row in enumerate(q.children(lst)):
            if any(q.name(c) == period for c in q.walk(row)):
                return (i,)
        return None
    index, = q.wait_for(find, f'the statement of {period} in the list')
    sel = lst.get_selection_iface()
    assert sel is not None, 'the Statements list offers no AT-SPI selection'
    sel.select_child(index)
    q.wait_for(lambda: f'Statement {period}' in detail_labels(), f'the detail of {period}')


# ---- steps -----------------------------------------------------------------------------

@step('sign in as dealer1')
def sign_in():
    app = state['app']
    win = app.window('Sign In')
    q.type_text(q.editable(win, 'Server address'), state['url'])
    q.type_text(q.editable(win, 'User name'), 'dealer1')
    q.type_text(q.editable(win, 'Password'), PASSWORD)
    q.click(q.button(win, 'Sign In'))
    state['win'] = app.window('Qudao')
    active = sum(1 for p in state['products'].values() if p.get('active', True))
    q.wait_for(lambda: f'{active} products' in q.labels(state['win']),
               f'the “{active} products” count (the catalog synced)', timeout=60)


@step('a stock report with a lot-tracked product, submitted offline')
def stock_offline():
    win = state['win']
    lot_product = next(p for pid, p in sorted(state['products'].items())
                       if p.get('lot_tracked') and p.get('active', True))
    state['lot_product'] = lot_product
    show_page('Stock')
    q.type_text(q.editable(win, 'Stock date'), state['today'])
    q.type_text(q.editable(win, 'Add a product'), lot_product['sku'])
    q.click(q.wait_for(lambda: next((b for b in q.find_all(win, 'push button')
                                     if q.name(b).startswith(f'Add {lot_product["name"]} to the report')),
                                    None), 'the product among the matches'))
    name = lot_product['name']
    q.type_text(q.editable(win, f'Quantity of {name}'), '40')
    q.type_text(q.editable(win, f'Lot of {name}'), 'UI-LOT-7')
    q.type_text(q.editable(win, f'Expiry of {name}'), '2030-06-30')
    stop_server()
    q.click(q.button(win, 'Submit Report'))
    # The toast may be gone before a walk of the whole window ends: the report in Past
    # Reports, not yet sent, is what lasts.
    q.wait_for(lambda: state['today'] in q.labels(win), 'the report in Past Reports')


@step('after the server is back and a sync, the report is on the server')
def stock_synced():
    start_server(state['port'])
    sync_now()

    def on_server():
        for (entity, _id), data in changes('dealer1').items():
            if entity == 'stock_report' and data and data.get('as_of') == state['today']:
                for line in data.get('lines', []):
                    if line.get('lot') == 'UI-LOT-7' and line.get('qty') == 40:
                        return True
        return False
    q.wait_for(on_server, 'the stock report with lot UI-LOT-7 on the server', timeout=60)


@step('a CSV with three bad lines: each is reported in the preview')
def csv_import():
    win = state['win']
    products = [p for _id, p in sorted(state['products'].items()) if p.get('active', True)]
    plain = [p for p in products if not p.get('lot_tracked')]
    lot = [p for p in products if p.get('lot_tracked')]
    text = ('sku,qty,lot,expiry\n'
            f'{plain[0]["sku"]},12,,\n'
            'NO-SUCH-SKU,3,,\n'
            f'{plain[1]["sku"]},-5,,\n'
            f'{lot[0]["sku"]},4,L-1,2031-01-31\n'
            f'{lot[1]["sku"]},6,,2031-01-31\n')
    path = os.path.join(os.environ['HOME'], 'ui-stock.csv')
    with open(path, 'w', encoding='gb18030') as f:
        f.write(text)
    # The file chooser is GTK's own; the same preview opens when the CSV is opened with
    # Qudao: a second qudao hands the file to the running one and exits.
    env = dict(os.environ, GSETTINGS_BACKEND='memory',
               GSETTINGS_SCHEMA_DIR=os.path.join(BUILD, 'data'))
    env.pop('G_DEBUG', None)
    subprocess.run([os.path.join(BUILD, 'src', 'app', 'qudao'), path], env=env, timeout=30,
                   check=True)
    preview = q.wait_for(lambda: next((w for w in q.children(state['app'].node)
                                       if any('3 lines have problems' in t for t in q.labels(w))),
                                      None), 'the import preview with 3 problems')
    texts = q.labels(preview)
    for line, what in ((3, 'NO-SUCH-SKU'), (4, 'negative'), (6, 'lot')):
        assert any(t.startswith(f'Line {line}, column') and what in t for t in texts), \
            f'line {line} ({what}) is not reported: {texts}'
    q.click(q.button(preview, 'Import 2 Lines'))
    q.wait_for(lambda: any(q.name(n).startswith(f'Lot of {lot[0]["name"]} L-1')
                           for n in q.walk(win)), 'the imported lot row in the grid')


@step('two lines of the issued statement are disputed')
def dispute():
    win = state['win']
    period = state['statement']['period']
    show_page('Statements')
    select_statement(period)
    assert len(state['statement']['lines']) >= 2, 'the demo statement has fewer than two lines'
    # Lines are picked by selecting them (Ctrl+click): the AT-SPI selection of the list.
    lst = q.wait_for(lambda: q.find(win, 'list', 'Statement lines'), 'the statement lines')
    sel = lst.get_selection_iface()
    assert sel is not None, 'the statement lines offer no AT-SPI selection'
    for index in (0, 1):
        sel.select_child(index)
    q.wait_for(lambda: sel.get_n_selected_children() == 2, 'two selected lines')
    q.click(q.button(win, 'Dispute Selected Lines…'))
    dialog = dialog_with('Dispute')
    entries = q.wait_for(lambda: [n for n in q.walk(dialog) if q.name(n).startswith('Reason for')
                                  and n.get_editable_text_iface() is not None] or None,
                         'the reason fields')
    assert len(entries) == 2, f'{len(entries)} reason fields, not 2'
    for i, entry in enumerate(entries):
        q.type_text(entry, f'UI reason {i + 1}: 数量不符')
    q.click(q.button(dialog, 'Dispute'))
    sync_now()

    def disputed():
        data = dealer_statement(state['statement']['id'])
        return data and data['status'] == 'disputed' and \
            sum(1 for line in data['lines'] if line.get('disputed_reason')) >= 2
    q.wait_for(disputed, 'the statement disputed on the server, two lines with reasons',
               timeout=60)


@step('the brand revises it; a confirmation of the old version is shown as stale')
def stale():
    win = state['win']
    sid = state['statement']['id']
    api(f'/admin/statements/{sid}/revise', {}, token=admin_token())
    sync_now()
    q.wait_for(lambda: dealer_statement(sid)['status'] == 'issued'
               and 'Issued' in detail_labels(), 'the revision, issued again',
               timeout=60)
    old = dealer_statement(sid)['version']
    q.wait_for(lambda: f'Version {old}' in detail_labels(), f'version {old} in the detail',
               timeout=60)
    stop_server()
    q.click(q.button(win, 'Confirm…'))
    dialog = dialog_with('Confirm')
    q.click(q.button(dialog, 'Confirm'))
    q.wait_for(lambda: any('confirmation is saved' in t for t in detail_labels()),
               'the notice that the confirmation waits to be sent')
    start_server(state['port'])
    api(f'/admin/statements/{sid}/revise', {}, token=admin_token())
    sync_now()
    q.wait_for(lambda: any('revised this statement' in t and f'version {old}' in t
                           and f'version {old + 1}' in t for t in detail_labels()),
               'the stale notice naming both versions', timeout=60)
    # The server did not take the stale confirmation: version old + 1 is still issued.
    data = dealer_statement(sid)
    assert data['version'] == old + 1 and data['status'] == 'issued', \
        f'the server holds version {data["version"]} {data["status"]}, not {old + 1} issued'
    state['version'] = old + 1


@step('the new version is confirmed')
def confirm():
    win = state['win']
    q.click(q.button(win, 'Confirm…'))
    dialog = dialog_with('Confirm')
    q.click(q.button(dialog, 'Confirm'))
    sync_now()

    def confirmed():
        data = dealer_statement(state['statement']['id'])
        return data and data['status'] == 'confirmed' and data['version'] == state['version']
    q.wait_for(confirmed, 'the statement confirmed on the server', timeout=60)


@step('exported to PDF: the text has the dealer, the period and the closing balance')
def export_pdf():
    win = state['win']
    q.click(q.button(win, 'Export PDF…'))
    chooser = q.wait_for(lambda: next((w for w in q.children(state['app'].node)
                                       if q.name(w) == 'Export Statement as PDF'), None),
                         'the save dialog')
    q.type_text(q.editable(chooser, 'Name'), 'ui-statement.pdf')
    q.click(q.button(chooser, 'Save'))
    path = os.path.join(os.environ['HOME'], 'ui-statement.pdf')
    q.wait_for(lambda: os.path.exists(path) and os.path.getsize(path) > 1000, 'the PDF file')
    out = subprocess.run(['pdftotext', '-layout', path, '-'], capture_output=True, text=True,
                         check=True).stdout
    data = dealer_statement(state['statement']['id'])
    fen = data['closing_balance_fen']
    closing = f'{"-" if fen < 0 else ""}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}'
    for what in (state['dealer']['name'], data['period'], closing):
        assert what in out, f'“{what}” is not in the PDF text'


def main():
    print('TAP version 13')
    print(f'1..{len(results)}')
    tmp = tempfile.mkdtemp(prefix='qudao-ui-monthly-')
    failed = 0
    try:
        state['server_dir'] = os.path.join(tmp, 'server')
        os.mkdir(state['server_dir'])
        state['port'] = start_server(demo=True)
        state['products'], state['prices'], state['dealer'] = catalog()
        state['today'] = datetime.date.today().isoformat()
        issued = sorted((d for (e, _i), d in changes('dealer1').items()
                         if e == 'statement' and d and d['status'] == 'issued'),
                        key=lambda d: d['period'])
        assert issued, 'dealer1 has no issued statement in the demo data'
        state['statement'] = issued[-1]
        state['app'] = q.App.start(BUILD, env={'QUDAO_DATA_DIR': os.path.join(tmp, 'client')})
    except Exception:
        for i, (name, _f) in enumerate(results, 1):
            print(f'not ok {i} - {name}')
        for line in traceback.format_exc().splitlines():
            q.log(line)
        stop_server()
        shutil.rmtree(tmp, ignore_errors=True)
        return 1
    try:
        with state['app']:
            broken = False
            for i, (name, func) in enumerate(results, 1):
                if broken:
                    print(f'not ok {i} - {name} # an earlier step failed')
                    failed += 1
                    continue
                started = time.monotonic()
                try:
                    func()
                    print(f'ok {i} - {name}', flush=True)
                    q.log(f'step {i} took {time.monotonic() - started:.1f} s')
                except Exception:
                    broken = True
                    failed += 1
                    print(f'not ok {i} - {name}', flush=True)
                    for line in traceback.format_exc().splitlines():
                        q.log(line)
                    try:
                        for w in q.children(state['app'].node):
                            q.log(f'window “{q.name(w)}”: '
                                  + ' | '.join(t for t in q.labels(w) if t)[:3000])
                            q.log('  buttons: ' + ' | '.join(q.name(b) for b in
                                                             q.find_all(w, 'push button')))
                    except Exception:  # the app may be gone
                        pass
    finally:
        stop_server()
        if os.environ.get('QUDAO_UI_KEEP'):
            q.log(f'kept {tmp}')
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
