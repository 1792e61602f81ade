#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""UI scenario against a real qudao-server --demo: sign in (a wrong password first), find
products by Chinese name and by 助记码, add two lines, submit while the server is stopped
and see "not yet sent", start the server, Sync Now and see the server's order number; an
order over the credit limit is rejected with its reason, edited and resubmitted; cancel an
order. Drives the real qudao binary through AT-SPI. Prints TAP."""
import os
import re
import shutil
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qdatspi as q  # noqa: E402
from qdscenario import BUILD, PASSWORD, catalog, results, show_page, start_server, state, step, stop_server  # noqa: E402

NUMBER = re.compile(r'^SO-\d{8}-\d{6}$')


# ---- the server ----------------------------------------------------------------------


# ---- the app ---------------------------------------------------------------------------


def first_row_labels(win, table_name='Catalog'):
    table = q.find(win, 'tree table', table_name)
    rows = [n for n in q.walk(table) if q.role(n) == 'table row'
            and any(q.role(c) == 'table cell' for c in q.children(n))]
    return [q.name(c) for c in q.walk(rows[0]) if q.role(c) == 'label'] if rows else []


def search_and_add(text, expect_first, qty):
    win = state['win']
    q.type_text(state['search'], text)
    q.wait_for(lambda: first_row_labels(win)[:1] == [expect_first],
               f'“{expect_first}” as the first result for “{text}”')
    spin = q.wait_for(lambda: next((n for n in q.find_all(win, 'spin button')
                                    if q.name(n).startswith('Quantity to add')), None),
                      'the quantity field')
    q.type_text(spin, str(qty))
    q.click(q.button(win, 'Add to Cart'))
    q.wait_for(lambda: q.button(win, 'Remove ' + expect_first) is not None,
               f'a cart line for {expect_first}')


def submit_cart(expect_lines):
    win = state['win']
    q.click(q.button(win, 'Submit Order') or q.button(win, 'Resubmit Order'))
    dialog = q.wait_for(lambda: next((w for w in q.children(state['app'].node)
                                      if any(f'{expect_lines} lines' in t or
                                             f'{expect_lines} line,' in t
                                             for t in q.labels(w))), None),
                        'the order summary')
    q.click(q.wait_for(lambda: q.button(dialog, 'Submit') or q.button(dialog, 'Resubmit'),
                       'the Submit response'))
    q.wait_for(lambda: q.button(win, 'Submit Order') is not None
               and not any(q.name(b).startswith('Remove ') for b in q.find_all(win, 'push button')),
               'an empty cart')


def orders_labels():
    """The Orders table's labels. Read again when a node vanishes during the walk: the page
    rebuilds its rows when a sync changes an order, and AT-SPI then fails the walk ("The
    application no longer exists") though the app is there."""
    def read():
        table = q.find(state['win'], 'tree table', 'Orders')
        return ([q.name(n) for n in q.walk(table) if q.role(n) == 'label'],)
    return q.wait_for(read, 'the Orders table’s rows')[0]


def sync_now():
    win = state['win']
    indicator = q.wait_for(lambda: next((n for n in q.find_all(win, 'push button')
                                         if q.name(n).startswith('Sync status')), None),
                           'the sync indicator')
    q.click(indicator)
    q.click(q.wait_for(lambda: next((b for w in q.children(state['app'].node)
                                     for b in [q.button(w, 'Sync Now')] if b is not None), None),
                       'the Sync Now button'))


def select_order_row(predicate, what):
    """Selects the first Orders row whose labels satisfy predicate (AT-SPI Selection)."""
    table = q.find(state['win'], 'tree table', 'Orders')
    lst = next(n for n in q.walk(table) if q.role(n) == 'list')

    def find():
        for i, row in enumerate(q.children(lst)):
            texts = [q.name(c) for c in q.walk(row) if q.role(c) == 'label']
            if predicate(texts):
                return (i,)  # a tuple: row 0 must count as found
        return None
    index, = q.wait_for(find, what)
    sel = lst.get_selection_iface()
    assert sel is not None, 'the Orders list offers no AT-SPI selection'
    sel.select_child(index)


# ---- steps -----------------------------------------------------------------------------

@step('the sign-in view opens on first start and names a wrong password')
def wrong_password():
    app = state['app']
    win = app.window('Sign In')
    state['signin'] = win
    q.type_text(q.editable(win, 'Server address'), state['url'])
    q.type_text(q.editable(win, 'User name'), 'dealer1')
    q.type_text(q.editable(win, 'Password'), 'not-the-password')
    q.click(q.button(win, 'Sign In'))
    q.wait_for(lambda: any('Wrong user name or password' in t for t in q.labels(win)),
               'the inline error about a wrong password')


@step('signing in downloads the catalog')
def sign_in():
    win = state['signin']
    q.type_text(q.editable(win, 'Password'), PASSWORD)
    q.click(q.button(win, 'Sign In'))
    state['win'] = state['app'].window('Qudao')
    active = sum(1 for p in state['products'].values() if p.get('active', True))
    q.wait_for(lambda: f'{active} products' in q.labels(state['win']),
               f'the “{active} products” count (the active products)', timeout=60)
    state['search'] = q.editable(state['win'], 'Search products')


@step('search by Chinese name and by 助记码, add two lines')
def add_two_lines():
    p1 = state['products']['p-000001']
    p2 = state['products']['p-000002']
    search_and_add(p1['name'], p1['name'], p1['pack_size'] * 2)
    search_and_add(p2['mnemonic'], p2['name'], p2['pack_size'])


@step('submitted while the server is stopped, the order is “not yet sent”')
def submit_offline():
    stop_server()
    submit_cart(2)
    # (The toast “Order saved — it will be sent when you are online” lasts five seconds,
    # shorter than one walk of the tree on a busy machine: what stays is checked instead.)
    show_page('Orders')
    q.wait_for(lambda: 'not yet sent' in orders_labels(), 'an order row “not yet sent”')


@step('after the server is back, Sync Now brings the server’s order number')
def sync_back():
    start_server(state['port'])
    sync_now()
    q.wait_for(lambda: 'not yet sent' not in orders_labels(), 'no order left “not yet sent”',
               timeout=60)
    numbers = [t for t in orders_labels() if NUMBER.match(t)]
    assert numbers, 'no order number like SO-YYYYMMDD-NNNNNN in the list'
    state['numbers_before'] = set(numbers)


@step('an order over the credit limit is rejected with its reason')
def credit_rejection():
    products, prices, dealer = state['products'], state['prices'], state['dealer']
    available = dealer.get('available_credit_fen', dealer['credit_limit_fen'])
    # The most expensive lines a dealer may order, until the total passes the credit.
    lines, total = [], 0
    for pid in sorted(prices, key=lambda p: -prices[p] * products[p]['pack_size']):
        if pid not in products or not products[pid].get('active', True):
            continue
        qty = products[pid]['pack_size'] * 1000
        lines.append((products[pid], qty))
        total += prices[pid] * qty
        if total > available * 1.2:
            break
    assert total > available, 'the demo catalog cannot exceed the credit limit'
    show_page('Order')
    for p, qty in lines:
        search_and_add(p['sku'], p['name'], qty)
    win = state['win']
    q.wait_for(lambda: any('over your available credit' in t for t in q.labels(win)),
               'the warning that the cart is over the available credit')
    submit_cart(len(lines))
    state['rejected_lines'] = lines
    sync_now()
    q.wait_for(lambda: any('rejected' in q.name(b) for b in q.find_all(win, 'push button')),
               'the sync indicator’s rejected badge', timeout=60)
    show_page('Orders')
    # The demo history has rejected orders of its own: ours is the one not yet sent.
    select_order_row(lambda texts: 'Rejected' in texts and 'not yet sent' in texts,
                     'our rejected order, not yet sent')
    state['rejected_count'] = orders_labels().count('Rejected')
    q.wait_for(lambda: any(t.startswith('Rejected by the brand') and 'credit' in t
                           for t in q.labels(win)), 'the rejection reason in the detail')


@step('the rejected order is edited and resubmitted')
def resubmit():
    win = state['win']
    q.click(q.wait_for(lambda: q.button(win, 'Edit and Resubmit'), 'Edit and Resubmit'))
    q.wait_for(lambda: q.button(win, 'Resubmit Order') is not None, 'the cart in resubmit mode')
    # Keep one pack of the first line only.
    for p, _qty in state['rejected_lines'][1:]:
        q.click(q.wait_for(lambda: q.button(win, 'Remove ' + p['name']), 'a remove button'))
    p, _qty = state['rejected_lines'][0]
    spin = q.wait_for(lambda: next((n for n in q.find_all(win, 'spin button')
                                    if q.name(n).startswith('Quantity of')), None),
                      'the line quantity')
    q.type_text(spin, str(p['pack_size']))
    submit_cart(1)
    sync_now()
    show_page('Orders')
    q.wait_for(lambda: orders_labels().count('Rejected') == state['rejected_count'] - 1
               and 'not yet sent' not in orders_labels(),
               'the resubmitted order accepted with a number', timeout=60)


@step('an order is cancelled, offline first, then on the server')
def cancel():
    win = state['win']
    cancelled = orders_labels().count('Cancelled')
    select_order_row(lambda texts: 'Submitted' in texts, 'a submitted order')
    q.click(q.wait_for(lambda: q.button(win, 'Cancel Order…'), 'Cancel Order…'))
    dialog = q.wait_for(lambda: next((w for w in q.children(state['app'].node)
                                      if q.button(w, 'Cancel Order') is not None
                                      and q.button(w, 'Keep Order') is not None), None),
                        'the cancel confirmation')
    q.click(q.button(dialog, 'Cancel Order'))
    # The cancellation waits in the outbox (a toast says so) until the sync sends it.
    sync_now()
    q.wait_for(lambda: orders_labels().count('Cancelled') == cancelled + 1,
               'one more cancelled order in the list', timeout=60)


@step('signing out (keeping the data) brings back the sign-in view')
def sign_out():
    win = state['win']
    q.click(q.wait_node(win, 'push button', 'Main Menu'))
    item = q.wait_for(lambda: next((n for n in q.find_all(state['app'].node, 'menu item')
                                    if q.name(n).replace('_', '') == 'Sign Out…'), None),
                      'the “Sign Out…” menu item')
    q.click(item)
    dialog = q.wait_for(lambda: next((w for w in q.children(state['app'].node)
                                      if 'Sign Out?' in q.labels(w)), None),
                        'the sign-out question')
    q.click(q.wait_for(lambda: q.button(dialog, 'Sign Out'), 'the “Sign Out” response'))
    state['app'].window('Sign In')
    q.wait_for(lambda: not any(q.name(n).startswith('Sync status') and q.showing(n)
                               for n in q.find_all(win, 'push button')),
               'the sync indicator to go away')


def main():
    print('TAP version 13')
    print(f'1..{len(results)}')
    tmp = tempfile.mkdtemp(prefix='qudao-ui-sync-')
    failed = 0
    try:
        state['server_dir'] = os.path.join(tmp, 'server')
        os.mkdir(state['server_dir'])
        state['port'] = start_server(demo=True)
        state['products'], state['prices'], state['dealer'] = catalog()
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
                try:
                    func()
                    print(f'ok {i} - {name}', flush=True)
                except Exception:
                    failed += 1
                    broken = True
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
                    # A vanished app: its exit status tells a crash (-11 SIGSEGV, -6
                    # SIGABRT) from a kill (-9, -15) or an exit of its own.
                    status = state['app'].proc.poll()
                    if status is not None:
                        q.log(f'qudao is gone: exit status {status}')
                    else:
                        q.log('qudao is still running')
    finally:
        stop_server()
        if os.environ.get('QUDAO_UI_KEEP'):
            q.log(f'kept {tmp}')
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
