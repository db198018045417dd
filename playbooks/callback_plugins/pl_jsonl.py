# -*- coding: utf-8 -*-
# Pressluft: machine-readable per-task events as JSON lines.
#
# Appends one JSON object per line to "$PL_RUN_DIR/events.jsonl" (stdout when PL_RUN_DIR is unset)
# and flushes after every line: the control plane polls that file by byte offset over SSH.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
    name: pl_jsonl
    type: notification
    short_description: Pressluft JSON-lines run events
    description:
      - Writes one JSON object per line to $PL_RUN_DIR/events.jsonl (or stdout if PL_RUN_DIR is unset).
      - Fields are seq, ts, event, task, host, changed, msg, stats, custom (see docs/playbooks.md).
      - Results of no_log tasks are never written; their msg is "censored".
    requirements:
      - enable in ansible.cfg (callbacks_enabled = pl_jsonl)
'''

import datetime
import json
import os
import sys

from ansible.plugins.callback import CallbackBase

MSG_LIMIT = 2000
CENSORED = 'censored'


def _utc_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (now.microsecond // 1000)


def _truncate(text):
    if text is None:
        return None
    if not isinstance(text, str):
        try:
            text = json.dumps(text, sort_keys=True, default=str)
        except Exception:  # pragma: no cover - defensive
            text = str(text)
    if len(text) > MSG_LIMIT:
        return text[:MSG_LIMIT - 3] + '...'
    return text


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'pl_jsonl'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._seq = 0
        self._fh = None
        run_dir = os.environ.get('PL_RUN_DIR')
        if run_dir:
            path = os.path.join(run_dir, 'events.jsonl')
            # Continue the sequence if the file already holds lines (a re-run into the same dir).
            try:
                with open(path, 'rb') as existing:
                    self._seq = sum(1 for _ in existing)
            except (IOError, OSError):
                self._seq = 0
            try:
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                self._fh = os.fdopen(fd, 'a', encoding='utf-8')
            except (IOError, OSError) as e:
                self._display.warning('pl_jsonl: cannot open %s (%s); events go to stdout' % (path, e))
                self._fh = sys.stdout
        else:
            self._fh = sys.stdout

    # ------------------------------------------------------------------ helpers
    def _emit(self, event, task=None, host=None, changed=None, msg=None, **extra):
        self._seq += 1
        record = {
            'seq': self._seq,
            'ts': _utc_now(),
            'event': event,
            'task': task,
            'host': host,
            'changed': changed,
            'msg': msg,
        }
        record.update(extra)
        line = json.dumps(record, sort_keys=False, default=str, ensure_ascii=False)
        try:
            self._fh.write(line + '\n')
            self._fh.flush()
        except Exception as e:  # never break the play because of event output
            self._display.warning('pl_jsonl: cannot write event: %s' % e)

    @staticmethod
    def _task_name(task):
        if task is None:
            return None
        try:
            name = task.get_name()
        except Exception:
            name = getattr(task, 'name', None)
        return (name or '').strip() or None

    @staticmethod
    def _is_censored(result):
        res = getattr(result, '_result', None) or {}
        if res.get('_ansible_no_log'):
            return True
        task = getattr(result, '_task', None)
        try:
            return bool(task is not None and task.no_log)
        except Exception:
            return False

    def _host(self, result):
        host = getattr(result, '_host', None)
        return host.get_name() if host is not None else None

    def _message(self, result, failure):
        """Human message for a result: the module msg, plus stderr/stdout for failed commands."""
        if self._is_censored(result):
            return CENSORED
        res = result._result or {}
        parts = []
        msg = res.get('msg')
        if msg:
            parts.append(msg if isinstance(msg, str) else json.dumps(msg, default=str))
        if failure:
            for key in ('stderr', 'stdout'):
                val = res.get(key)
                if val and isinstance(val, str) and val not in parts:
                    parts.append(val)
                    break
            if not parts and res.get('exception'):
                parts.append(str(res['exception']).strip().splitlines()[-1])
            if not parts and res.get('results'):
                # loop: report the failed items' messages
                for item in res['results']:
                    if isinstance(item, dict) and item.get('failed'):
                        if item.get('_ansible_no_log'):
                            parts.append(CENSORED)
                        elif item.get('msg'):
                            parts.append(str(item['msg']))
        if not parts:
            return None
        return _truncate('\n'.join(parts))

    def _result_event(self, event, result, failure=False, **extra):
        res = getattr(result, '_result', None) or {}
        self._emit(
            event,
            task=self._task_name(getattr(result, '_task', None)),
            host=self._host(result),
            changed=bool(res.get('changed', False)),
            msg=self._message(result, failure),
            **extra
        )

    # ------------------------------------------------------------------ events
    def v2_playbook_on_start(self, playbook):
        name = getattr(playbook, '_file_name', None)
        self._emit('playbook_start', playbook=os.path.basename(name) if name else None)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit('task_start', task=self._task_name(task))

    def v2_playbook_on_handler_task_start(self, task):
        self._emit('handler_task_start', task=self._task_name(task))

    def v2_runner_on_ok(self, result):
        self._result_event('runner_on_ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result_event('runner_on_failed', result, failure=True, ignore_errors=bool(ignore_errors))

    def v2_runner_on_skipped(self, result):
        self._result_event('runner_on_skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._result_event('runner_on_unreachable', result, failure=True)

    def v2_playbook_on_stats(self, stats):
        per_host = {}
        for host in sorted(stats.processed.keys()):
            s = stats.summarize(host)
            per_host[host] = {
                'ok': s.get('ok', 0),
                'changed': s.get('changed', 0),
                'failures': s.get('failures', 0),
                'unreachable': s.get('unreachable', 0),
                'skipped': s.get('skipped', 0),
                'rescued': s.get('rescued', 0),
                'ignored': s.get('ignored', 0),
            }
        # set_stats data (per_host: false lands under '_run'): the play's structured result, e.g. pl_result.
        custom = getattr(stats, 'custom', None) or {}
        self._emit('playbook_on_stats', stats=per_host, custom=custom.get('_run', {}))
        if self._fh is not None and self._fh is not sys.stdout:
            try:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            except Exception:
                pass
