#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""UI scenario: the shell. Starts the real qudao binary, finds its window through AT-SPI,
switches through the five pages with the view switcher, opens Preferences from the main
menu and sees an invalid server address rejected inline. Prints TAP."""
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qdatspi as q  # noqa: E402
from qdscenario import BUILD, results, state, step  # noqa: E402

PAGES = [('Order', 'Order from the Catalog'), ('Orders', 'Your Orders'),
         ('Stock', 'Stock on Hand'), ('Statements', 'Monthly Statements'),
         ('Dashboard', 'Dealer Dashboard')]


@step('the window appears with its title')
def window_appears():
    state['win'] = state['app'].window('Qudao')


@step('every page has a view switcher tab')
def tabs_exist():
    win = state['win']
    for title, _ in PAGES:
        q.wait_node(win, 'page tab', title)


@step('clicking each tab shows its page')
def switch_pages():
    win = state['win']
    for title, _heading in reversed(PAGES):
        tab = q.find(win, 'page tab', title)
        q.click(tab)
        # Every switcher (header bar and bottom bar) marks the same page as selected.
        q.wait_for(lambda: all(q.is_selected(t) for t in q.find_all(win, 'page tab', title)),
                   f'the “{title}” tab to be selected')
        others = [t for t in q.find_all(win, 'page tab') if q.name(t) != title]
        assert not any(q.is_selected(t) for t in others), \
            f'another tab is still selected after clicking “{title}”'


@step('Preferences opens from the main menu')
def open_preferences():
    win = state['win']
    q.click(q.wait_node(win, 'push button', 'Main Menu'))
    item = q.wait_for(lambda: q.find(state['app'].node, 'menu item', 'Preferences'),
                      'the “Preferences” menu item')
    q.click(item)
    state['prefs'] = state['app'].window('Preferences')


@step('an invalid server address is rejected inline')
def invalid_url():
    prefs = state['prefs']
    entry = q.wait_for(lambda: next((n for n in q.walk(prefs)
                                     if q.name(n) == 'Server Address'
                                     and n.get_editable_text_iface() is not None), None),
                       'the “Server Address” entry')
    state['entry'] = entry
    q.type_text(entry, 'ftp://qudao.example.com')
    q.wait_for(lambda: any('http://' in q.name(n) and q.showing(n)
                           for n in q.find_all(prefs, 'label')),
               'an inline error mentioning http://')


@step('a valid server address clears the error')
def valid_url():
    prefs = state['prefs']
    q.type_text(state['entry'], 'https://qudao.example.com')
    q.wait_for(lambda: not any('http://' in q.name(n) and q.showing(n)
                               for n in q.find_all(prefs, 'label')),
               'the inline error to go away')


def main():
    print('TAP version 13')
    print(f'1..{len(results)}')
    failed = 0
    try:
        state['app'] = q.App.start(BUILD)
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
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
