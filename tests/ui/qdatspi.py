# SPDX-License-Identifier: GPL-3.0-or-later
"""qdatspi — drive the real qudao window through the accessibility tree (AT-SPI).

A small helper for the UI scenario tests: start the app with a private GSettings and
locale setup, find nodes by role and name, click, type, and wait for conditions by polling
the tree with a deadline (never a fixed sleep). Needs /usr/bin/python3 with
gi.repository.Atspi, a display and a D-Bus session (tools/run-headless.sh gives both).

    with App.start(build_root) as app:
        win = app.window('Qudao')
        app.click(find(win, 'toggle button', 'Orders'))
"""
import os
import subprocess
import sys
import time
import warnings

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

# PyGObject flags get_editable_text_iface() as deprecated, but libatspi 2.46 has no
# replacement under another name; keep the TAP output free of the warning.
warnings.filterwarnings('ignore', message='.*get_editable_text_iface.*', category=DeprecationWarning)

DEFAULT_TIMEOUT = float(os.environ.get('QDATSPI_TIMEOUT', '20'))
POLL_INTERVAL = 0.05


class Timeout(AssertionError):
    pass


def log(msg):
    # TAP diagnostics go to stdout prefixed with '#'; stderr for meson's error logs.
    print(f'# {msg}', flush=True)
    print(msg, file=sys.stderr, flush=True)


# The app under test, if one was started: every wait fails at once when it has died,
# instead of polling a vanished accessibility tree until the deadline.
_running = []


def wait_for(condition, what, timeout=DEFAULT_TIMEOUT):
    """Polls condition() until it returns something truthy, which is returned; raises
    Timeout naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        for app in _running:
            if app.proc.poll() is not None:
                raise AssertionError(f'qudao exited with status {app.proc.returncode} '
                                     f'while waiting for {what}')
        try:
            result = condition()
            if result:
                return result
        except gi.repository.GLib.Error as e:  # a node vanished while we looked
            last_error = e
        if time.monotonic() > deadline:
            raise Timeout(f'timed out after {timeout:.0f} s waiting for {what}'
                          + (f' (last error: {last_error})' if last_error else ''))
        time.sleep(POLL_INTERVAL)  # polling interval of a bounded wait, not a fixed delay


# A node whose widget was destroyed after we got hold of it (a list rebuilt, a row
# replaced) is "defunct": libatspi then answers every call on it with
# ATSPI_ERROR_APPLICATION_GONE, "The application no longer exists", although the app is
# alive. Tree walks see such a node as gone: no role, no name, no children. A real exit
# of the app is still caught: wait_for() checks the process itself.
_APPLICATION_GONE = 0  # AtspiError's first value; the enum is not in the typelib


def _vanished(error):
    return error.domain == 'atspi_error' and error.code == _APPLICATION_GONE


def role(node):
    try:
        return node.get_role_name()
    except gi.repository.GLib.Error as e:
        if _vanished(e):
            return ''
        raise


def name(node):
    try:
        return node.get_name() or ''
    except gi.repository.GLib.Error as e:
        if _vanished(e):
            return ''
        raise


def children(node):
    try:
        n = node.get_child_count()
    except gi.repository.GLib.Error as e:
        if _vanished(e):
            return
        raise
    for i in range(n):
        try:
            child = node.get_child_at_index(i)
        except gi.repository.GLib.Error as e:
            if _vanished(e):
                return
            raise
        if child is not None:
            yield child


def walk(node, depth=0, max_depth=60):
    yield node
    if depth < max_depth:
        for child in children(node):
            yield from walk(child, depth + 1, max_depth)


def showing(node):
    # GTK 4.8 never sets SHOWING; VISIBLE is the closest it reports.
    try:
        states = node.get_state_set()
    except gi.repository.GLib.Error as e:
        if _vanished(e):
            return False
        raise
    return states.contains(Atspi.StateType.VISIBLE)


def find_all(root, role_name=None, node_name=None, only_showing=False):
    return [n for n in walk(root)
            if (role_name is None or role(n) == role_name)
            and (node_name is None or name(n) == node_name)
            and (not only_showing or showing(n))]


def find(root, role_name=None, node_name=None, only_showing=False):
    """The first node below root with this role and name, or None."""
    for n in walk(root):
        if ((role_name is None or role(n) == role_name)
                and (node_name is None or name(n) == node_name)
                and (not only_showing or showing(n))):
            return n
    return None


def wait_node(root, role_name=None, node_name=None, timeout=DEFAULT_TIMEOUT, only_showing=False):
    return wait_for(lambda: find(root, role_name, node_name, only_showing),
                    f'a {role_name or "node"} named “{node_name}”', timeout)


def dump(root, depth=0, max_depth=30, out=None):
    """The tree as text, for diagnostics when a node is not found."""
    lines = [] if out is None else out
    lines.append('  ' * depth + f'[{role(root)}] {name(root)!r}')
    if depth < max_depth:
        for c in children(root):
            dump(c, depth + 1, max_depth, lines)
    return lines


def has_action(node):
    action = node.get_action_iface()
    return action is not None and action.get_n_actions() > 0


def click(node):
    """Performs the node's first action (click, press, toggle, activate). A GtkMenuButton
    shows up as a named node without actions around a button with the same name that has
    them; the first such descendant is clicked then."""
    if not has_action(node):
        inner = next((n for n in walk(node) if n is not node and has_action(n)
                      and role(n) == role(node)), None)
        if inner is None:
            raise AssertionError(f'{role(node)} “{name(node)}” has no action to perform')
        node = inner
    action = node.get_action_iface()
    if not action.do_action(0):
        raise AssertionError(f'{role(node)} “{name(node)}” refused its action')


def type_text(node, text):
    """Replaces the text of an editable node."""
    editable = node.get_editable_text_iface()
    if editable is None:
        raise AssertionError(f'{role(node)} “{name(node)}” is not editable')
    editable.set_text_contents(text)


def states(node):
    return {Atspi.StateType(s).value_nick for s in node.get_state_set().get_states()}


def is_selected(node):
    """Checked, pressed or selected: how GTK reports the current tab or toggle."""
    return bool(states(node) & {'checked', 'pressed', 'selected'})


# ---- widgets by what a user reads --------------------------------------------------

def button(root, text):
    """A push button by its label. GTK 4.8 names a button whose label has a mnemonic
    (“_Submit”) with the raw label and the text together, “_Submit Submit”."""
    return next((b for b in find_all(root, 'push button')
                 if name(b) == text or name(b).endswith(' ' + text)), None)


def labels(root):
    return [name(n) for n in find_all(root, 'label')]


def editable(root, label):
    """A text field whose accessible name starts with @label (waits for it)."""
    return wait_for(lambda: next((n for n in walk(root) if name(n).startswith(label)
                                  and n.get_editable_text_iface() is not None), None),
                    f'the field “{label}”')


def _die_with_parent():
    """Runs in the child before exec: the app gets SIGTERM when this driver dies, even by
    a signal, so it never outlives the test holding meson's output pipe open."""
    import ctypes
    import signal
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL('libc.so.6', use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class App:
    """A running qudao process and its accessible application node."""

    def __init__(self, proc, app_name):
        self.proc = proc
        self.app_name = app_name
        self.node = None

    @classmethod
    def start(cls, build_root, env=None, args=(), app_name='qudao'):
        Atspi.init()
        # A D-Bus call to a hung or dead app fails after 5 s instead of 25 s, so a wait
        # reaches its own deadline and names what it waited for.
        Atspi.set_timeout(5000, 15000)
        e = dict(os.environ)
        e.update({
            'GTK_A11Y': 'atspi',
            'NO_AT_BRIDGE': '0',
            'GSETTINGS_BACKEND': e.get('GSETTINGS_BACKEND', 'memory'),
            'GSETTINGS_SCHEMA_DIR': os.path.join(build_root, 'data'),
            'QUDAO_LOCALEDIR': os.path.join(build_root, 'po'),
        })
        # fatal-warnings would turn a harmless a11y warning into a crash of the app under
        # test; the widget tests keep it.
        e.pop('G_DEBUG', None)
        if env:
            e.update(env)
        exe = os.path.join(build_root, 'src', 'app', 'qudao')
        proc = subprocess.Popen([exe, *args], env=e, preexec_fn=_die_with_parent)
        app = cls(proc, app_name)
        _running.append(app)
        try:
            app.node = wait_for(app._find_app, f'the accessible application “{app_name}”')
        except BaseException:
            app.stop()
            raise
        return app

    def _find_app(self):
        if self.proc.poll() is not None:
            raise AssertionError(f'qudao exited with status {self.proc.returncode}')
        desktop = Atspi.get_desktop(0)
        for a in children(desktop):
            try:
                if name(a) == self.app_name and a.get_process_id() == self.proc.pid:
                    return a
            except gi.repository.GLib.Error:
                continue
        return None

    def window(self, title, timeout=DEFAULT_TIMEOUT):
        return wait_for(lambda: next((w for w in children(self.node)
                                      if name(w) == title), None),
                        f'a window titled “{title}”', timeout)

    def windows(self):
        return [(role(w), name(w)) for w in children(self.node)]

    def stop(self):
        if self in _running:
            _running.remove(self)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
