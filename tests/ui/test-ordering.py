#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""UI scenario: ordering offline. A cache with a generated catalog (2,000 products) and no
server at all; the real qudao binary driven through AT-SPI: search a product by its
Chinese name and one by its 助记码, add both to the cart with quantities, submit with the
summary confirmation, and find the order on the Orders page as "not yet sent".
Prints TAP."""
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qdatspi as q  # noqa: E402
from qdscenario import BUILD, results, state, step  # noqa: E402


def first_row_labels(win):
    table = q.find(win, 'tree table', 'Catalog')
    rows = [n for n in q.walk(table) if q.role(n) == 'table row'
            and any(q.role(c) == 'table cell' for c in q.children(n))]
    if not rows:
        return []
    return [q.name(c) for c in q.walk(rows[0]) if q.role(c) == 'label']


def search(text, expect_first):
    win = state['win']
    q.type_text(state['search'], text)
    q.wait_for(lambda: first_row_labels(win)[:1] == [expect_first],
               f'“{expect_first}” as the first result for “{text}”')


def add_selected(qty):
    win = state['win']
    spin = q.wait_for(lambda: next((n for n in q.find_all(win, 'spin button')
                                    if q.name(n).startswith('Quantity to add')), None),
                      'the quantity field')
    q.type_text(spin, str(qty))
    q.click(q.find(win, 'push button', 'Add to Cart'))


@step('the Order page shows the catalog')
def catalog_shown():
    state['win'] = state['app'].window('Qudao')
    q.wait_for(lambda: '2000 products' in q.labels(state['win']), 'the “2000 products” count')
    state['search'] = q.wait_for(lambda: next((n for n in q.walk(state['win'])
                                               if q.name(n) == 'Search products'
                                               and n.get_editable_text_iface() is not None),
                                              None), 'the search field')


@step('search by Chinese name and add it to the cart')
def add_by_name():
    search('金桥体温计', '金桥体温计')
    add_selected(3)
    q.wait_for(lambda: any(n.startswith('Remove 金桥体温计') for n in
                           (q.name(b) for b in q.find_all(state['win'], 'push button'))),
               'a cart line for 金桥体温计')


@step('search by 助记码 and add it, rounded up to whole packs')
def add_by_mnemonic():
    # Product 3 is 康宁碘伏消毒液 with 助记码 dfxdy3, sold in packs of 50.
    search('dfxdy3', '康宁碘伏消毒液')
    add_selected(60)
    win = state['win']
    q.wait_for(lambda: any('was changed to 100' in t for t in q.labels(win)),
               'the hint that 60 was rounded up to 100')
    q.wait_for(lambda: len([b for b in q.find_all(win, 'push button')
                            if q.name(b).startswith('Remove ')]) == 2, 'two cart lines')


@step('submit asks for confirmation and saves the order offline')
def submit():
    win = state['win']
    q.click(q.find(win, 'push button', 'Submit Order'))
    dialog = q.wait_for(lambda: next((w for w in q.children(state['app'].node)
                                      if any('2 lines' in t for t in q.labels(w))), None),
                        'the confirmation with “2 lines”')
    q.click(q.wait_for(lambda: q.button(dialog, 'Submit'), 'the “Submit” response'))
    # (The toast “Order saved — it will be sent when you are online” lasts five seconds,
    # shorter than one walk of the tree on a busy machine: what stays is checked instead.)
    q.wait_for(lambda: not any(q.name(b).startswith('Remove ')
                               for b in q.find_all(win, 'push button')), 'an empty cart')


@step('the Orders page lists it as not yet sent')
def orders_page():
    win = state['win']
    q.click(q.find(win, 'page tab', 'Orders'))
    table = q.wait_node(win, 'tree table', 'Orders')
    q.wait_for(lambda: 'not yet sent' in [q.name(n) for n in q.walk(table)
                                          if q.role(n) == 'label'],
               'an order row “not yet sent”')
    q.wait_for(lambda: 'Not yet sent' in [q.name(n) for n in q.walk(table)
                                          if q.role(n) == 'label'],
               'the status chip “Not yet sent”')


def main():
    print('TAP version 13')
    print(f'1..{len(results)}')
    tmp = tempfile.mkdtemp(prefix='qudao-ui-ordering-')
    failed = 0
    try:
        store = os.path.join(tmp, 'cache.sqlite')
        subprocess.run([os.path.join(BUILD, 'tests', 'app', 'make-test-store'), store, '2000',
                        '--bare'], check=True, timeout=60)
        try:
            state['app'] = q.App.start(BUILD, env={'QUDAO_STORE': store})
        except Exception:
            for i, (name, _f) in enumerate(results, 1):
                print(f'not ok {i} - {name}')
            for line in traceback.format_exc().splitlines():
                q.log(line)
            return 1
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
                        for line in q.dump(state['app'].node):
                            q.log(line)
                    except Exception:  # the app may be gone
                        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
