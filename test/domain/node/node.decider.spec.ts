import { DomainError, InvalidValue, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import { NodeCommand, RegisterNode } from '../../../src/domain/node/node.commands';
import { NODE_RULES, nodeDecider } from '../../../src/domain/node/node.decider';
import { NodeEvent, nodeStreamId } from '../../../src/domain/node/node.events';
import { canHostNewSites, isNodeStatus, NODE_STATUSES } from '../../../src/domain/node/node-status';
import { given } from '../../support/decider-spec';

const nodeId = 'n1';
const fp1 = 'SHA256:' + 'A'.repeat(43);
const fp2 = 'SHA256:' + 'B'.repeat(43);
const error = { code: 'REMOTE_RUN_FAILED', message: 'apt failed' };

const register: RegisterNode = { type: 'RegisterNode', nodeId, name: 'Web-1', host: '10.0.0.5' };
const registered: NodeEvent = {
  type: 'NodeRegistered',
  data: { nodeId, name: 'web-1', host: '10.0.0.5', port: 22, user: 'root', hostKeyFingerprint: null },
};
const bootstrapRequested: NodeEvent = { type: 'NodeBootstrapRequested', data: { nodeId } };
const bootstrapped: NodeEvent = { type: 'NodeBootstrapped', data: { nodeId, facts: { os: 'debian-12' } } };
const bootstrapFailed: NodeEvent = { type: 'NodeBootstrapFailed', data: { nodeId, error } };
const decommissioned: NodeEvent = { type: 'NodeDecommissioned', data: { nodeId } };
const toUnreachable: NodeEvent = { type: 'NodeStatusChanged', data: { nodeId, from: 'ready', to: 'unreachable', reason: 'ssh timeout' } };

const PENDING = [registered];
const BOOTSTRAPPING = [registered, bootstrapRequested];
const READY = [...BOOTSTRAPPING, bootstrapped];
const FAILED = [...BOOTSTRAPPING, bootstrapFailed];
const UNREACHABLE = [...READY, toUnreachable];
const DECOMMISSIONED = [...READY, decommissioned];

const cmd = <T extends NodeCommand['type']>(type: T, rest: Omit<Extract<NodeCommand, { type: T }>, 'type' | 'nodeId'>) =>
  ({ type, nodeId, ...rest }) as Extract<NodeCommand, { type: T }>;

describe('node status', () => {
  it('knows its statuses', () => {
    expect(NODE_STATUSES.every(isNodeStatus)).toBe(true);
    expect(isNodeStatus('READY')).toBe(false);
  });
  it.each([
    ['pending', true],
    ['bootstrapping', true],
    ['ready', true],
    ['unreachable', true],
    ['failed', false],
    ['decommissioned', false],
    ['bogus', false],
  ])('%s can host new sites: %s', (status, ok) => expect(canHostNewSites(status)).toBe(ok));
});

describe('node decider', () => {
  it('streams are node-<id>', () => expect(nodeStreamId('x')).toBe('node-x'));

  describe('RegisterNode', () => {
    it('registers with defaults and requests bootstrap at once', () => {
      given(nodeDecider).when(register).then([registered, bootstrapRequested]);
      given(nodeDecider).when(register).thenState({ exists: true, status: 'bootstrapping', name: 'web-1' });
    });
    it('takes port, user and a known host key', () => {
      given(nodeDecider)
        .when({ ...register, host: 'node.example.com', port: '2222', user: 'deploy', hostKeyFingerprint: fp1 })
        .then([
          { type: 'NodeRegistered', data: { nodeId, name: 'web-1', host: 'node.example.com', port: 2222, user: 'deploy', hostKeyFingerprint: fp1 } },
          bootstrapRequested,
        ]);
    });
    it.each([
      ['name', { name: 'web 1' }],
      ['host', { host: '10.0.0.5;id' }],
      ['port', { port: 0 }],
      ['user', { user: '$(id)' }],
      ['hostKeyFingerprint', { hostKeyFingerprint: 'nope' }],
    ])('refuses an invalid %s', (field, patch) => {
      const err = given(nodeDecider).when({ ...register, ...patch }).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      expect((err as InvalidValue).details.field).toBe(field);
    });
    it('refuses an existing node id', () => {
      given(nodeDecider, PENDING).when(register).thenThrows(DomainError, 'DUPLICATE', NODE_RULES.idMustBeUnique);
    });
  });

  it('refuses every other command on a node that does not exist', () => {
    const commands: NodeCommand[] = [
      cmd('RequestNodeBootstrap', {}),
      cmd('CompleteNodeBootstrap', { facts: {} }),
      cmd('FailNodeBootstrap', { error }),
      cmd('PinNodeHostKey', { fingerprint: fp1 }),
      cmd('RecordNodeHealth', { reachable: true, reason: '' }),
      cmd('DecommissionNode', {}),
    ];
    for (const c of commands) given(nodeDecider).when(c).thenThrows(NotFound, 'NOT_FOUND');
  });

  describe('RequestNodeBootstrap', () => {
    it.each([
      ['pending', PENDING],
      ['ready', READY],
      ['unreachable', UNREACHABLE],
      ['failed', FAILED],
    ])('is allowed when %s', (_s, history) => {
      given(nodeDecider, history).when(cmd('RequestNodeBootstrap', {})).then([bootstrapRequested]);
    });
    it.each([
      ['bootstrapping', BOOTSTRAPPING],
      ['decommissioned', DECOMMISSIONED],
    ])('is refused when %s', (_s, history) => {
      given(nodeDecider, history)
        .when(cmd('RequestNodeBootstrap', {}))
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', NODE_RULES.cannotBootstrapWhileBootstrappingOrDecommissioned);
    });
  });

  describe('bootstrap outcome', () => {
    it('completes: bootstrapping -> ready with facts', () => {
      given(nodeDecider, BOOTSTRAPPING).when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' } })).then([bootstrapped]);
      given(nodeDecider, BOOTSTRAPPING)
        .when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' } }))
        .thenState({ status: 'ready', facts: { os: 'debian-12' } });
    });
    it('fails: bootstrapping -> failed', () => {
      given(nodeDecider, BOOTSTRAPPING).when(cmd('FailNodeBootstrap', { error })).then([bootstrapFailed]);
      given(nodeDecider, BOOTSTRAPPING).when(cmd('FailNodeBootstrap', { error })).thenState({ status: 'failed' });
    });
    it('fails unreachable: bootstrapping -> failed -> unreachable', () => {
      const unreachableError = { code: 'NODE_UNREACHABLE', message: 'root@10.254.1.2:22 is unreachable' };
      given(nodeDecider, BOOTSTRAPPING)
        .when(cmd('FailNodeBootstrap', { error: unreachableError }))
        .then([
          { type: 'NodeBootstrapFailed', data: { nodeId, error: unreachableError } },
          { type: 'NodeStatusChanged', data: { nodeId, from: 'failed', to: 'unreachable', reason: unreachableError.message } },
        ]);
      given(nodeDecider, BOOTSTRAPPING).when(cmd('FailNodeBootstrap', { error: unreachableError })).thenState({ status: 'unreachable', bootstrapped: false });
    });
    it('an unreachable node that never bootstrapped comes back as failed, not ready', () => {
      const unreachableError = { code: 'NODE_UNREACHABLE', message: 'down' };
      const history: NodeEvent[] = [
        ...BOOTSTRAPPING,
        { type: 'NodeBootstrapFailed', data: { nodeId, error: unreachableError } },
        { type: 'NodeStatusChanged', data: { nodeId, from: 'failed', to: 'unreachable', reason: 'down' } },
      ];
      given(nodeDecider, history)
        .when(cmd('RecordNodeHealth', { reachable: true, reason: 'ssh ok' }))
        .then([{ type: 'NodeStatusChanged', data: { nodeId, from: 'unreachable', to: 'failed', reason: 'ssh ok' } }]);
    });
    it('switches to the management user the bootstrap set up (NodeManagementUserSwitched)', () => {
      const switched: NodeEvent = { type: 'NodeManagementUserSwitched', data: { nodeId, from: 'root', to: 'pressluft' } };
      given(nodeDecider, BOOTSTRAPPING)
        .when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' }, managementUser: 'pressluft' }))
        .then([bootstrapped, switched]);
      given(nodeDecider, BOOTSTRAPPING)
        .when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' }, managementUser: 'pressluft' }))
        .thenState({ status: 'ready', user: 'pressluft' });
    });
    it('stays with the user it has when it already is the management user, or none is reported', () => {
      const asPressluft: NodeEvent = { type: 'NodeRegistered', data: { ...(registered.data as object), user: 'pressluft' } as never };
      given(nodeDecider, [asPressluft, bootstrapRequested])
        .when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' }, managementUser: 'pressluft' }))
        .then([bootstrapped]);
      given(nodeDecider, BOOTSTRAPPING).when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' }, managementUser: null })).then([bootstrapped]);
      given(nodeDecider, BOOTSTRAPPING).when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' } })).thenState({ user: 'root' });
    });
    it('a re-bootstrap after the switch connects as the management user and switches nothing', () => {
      const switched: NodeEvent = { type: 'NodeManagementUserSwitched', data: { nodeId, from: 'root', to: 'pressluft' } };
      given(nodeDecider, [...READY, switched, bootstrapRequested])
        .when(cmd('CompleteNodeBootstrap', { facts: { os: 'debian-12' }, managementUser: 'pressluft' }))
        .then([bootstrapped]);
    });
    it('refuses an invalid management user', () => {
      given(nodeDecider, BOOTSTRAPPING)
        .when(cmd('CompleteNodeBootstrap', { facts: {}, managementUser: 'Root; rm -rf /' }))
        .thenThrows(InvalidValue, 'VALIDATION_FAILED');
    });
    it('ignores a switch when no bootstrap is running', () => {
      given(nodeDecider, READY).when(cmd('CompleteNodeBootstrap', { facts: {}, managementUser: 'pressluft' })).then([]);
    });
    it('ignores reports when no bootstrap is running', () => {
      given(nodeDecider, READY).when(cmd('CompleteNodeBootstrap', { facts: {} })).then([]);
      given(nodeDecider, READY).when(cmd('FailNodeBootstrap', { error })).then([]);
      given(nodeDecider, PENDING).when(cmd('CompleteNodeBootstrap', { facts: {} })).then([]);
    });
  });

  describe('PinNodeHostKey', () => {
    it('pins the first key', () => {
      given(nodeDecider, READY)
        .when(cmd('PinNodeHostKey', { fingerprint: fp1 }))
        .then([{ type: 'NodeHostKeyPinned', data: { nodeId, fingerprint: fp1, previousFingerprint: null } }]);
    });
    it('replaces a pinned key, recording the previous one', () => {
      const pinned: NodeEvent = { type: 'NodeHostKeyPinned', data: { nodeId, fingerprint: fp1, previousFingerprint: null } };
      given(nodeDecider, [...READY, pinned])
        .when(cmd('PinNodeHostKey', { fingerprint: fp2 }))
        .then([{ type: 'NodeHostKeyPinned', data: { nodeId, fingerprint: fp2, previousFingerprint: fp1 } }]);
      given(nodeDecider, [...READY, pinned]).when(cmd('PinNodeHostKey', { fingerprint: fp2 })).thenState({ hostKeyFingerprint: fp2 });
    });
    it('is a no-op for the already pinned key', () => {
      const pinned: NodeEvent = { type: 'NodeHostKeyPinned', data: { nodeId, fingerprint: fp1, previousFingerprint: null } };
      given(nodeDecider, [...READY, pinned]).when(cmd('PinNodeHostKey', { fingerprint: fp1 })).then([]);
    });
    it('validates the fingerprint', () => {
      given(nodeDecider, READY).when(cmd('PinNodeHostKey', { fingerprint: 'x;id' })).thenThrows(InvalidValue, 'VALIDATION_FAILED');
    });
    it('is refused on a decommissioned node', () => {
      given(nodeDecider, DECOMMISSIONED)
        .when(cmd('PinNodeHostKey', { fingerprint: fp1 }))
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', NODE_RULES.decommissionedNodeIsFinal);
    });
  });

  describe('host key mismatch', () => {
    const pinned: NodeEvent = { type: 'NodeHostKeyPinned', data: { nodeId, fingerprint: fp1, previousFingerprint: null } };
    const detected: NodeEvent = {
      type: 'NodeHostKeyMismatchDetected',
      data: { nodeId, pinnedFingerprint: fp1, presentedFingerprint: fp2, previousStatus: 'ready' },
    };
    const FLAGGED = [...READY, pinned, detected];
    it('flags a ready node: failed until re-pinned', () => {
      given(nodeDecider, [...READY, pinned]).when(cmd('RecordHostKeyMismatch', { presentedFingerprint: fp2 })).then([detected]);
      given(nodeDecider, FLAGGED).when(cmd('RecordNodeHealth', { reachable: true, reason: 'x' })).then([]);
      expect(given(nodeDecider, FLAGGED).when(cmd('RecordNodeHealth', { reachable: true, reason: 'x' })).thenState({ status: 'failed' }).hostKeyMismatch).toEqual({
        previousStatus: 'ready',
      });
    });
    it('is recorded once, and not while bootstrapping (the bootstrap failure records it) or decommissioned', () => {
      given(nodeDecider, FLAGGED).when(cmd('RecordHostKeyMismatch', { presentedFingerprint: fp2 })).then([]);
      given(nodeDecider, BOOTSTRAPPING).when(cmd('RecordHostKeyMismatch', { presentedFingerprint: fp2 })).then([]);
      given(nodeDecider, DECOMMISSIONED).when(cmd('RecordHostKeyMismatch', { presentedFingerprint: fp2 })).then([]);
    });
    it('a re-pin records the previous key and returns the node to its status', () => {
      given(nodeDecider, FLAGGED)
        .when(cmd('PinNodeHostKey', { fingerprint: fp2 }))
        .then([
          { type: 'NodeHostKeyPinned', data: { nodeId, fingerprint: fp2, previousFingerprint: fp1 } },
          { type: 'NodeStatusChanged', data: { nodeId, from: 'failed', to: 'ready', reason: 'host key re-pinned by an operator' } },
        ]);
      const after = given(nodeDecider, FLAGGED).when(cmd('PinNodeHostKey', { fingerprint: fp2 })).thenState({ status: 'ready', hostKeyFingerprint: fp2 });
      expect(after.hostKeyMismatch).toBeNull();
    });
    it('a mismatch during bootstrap fails the bootstrap; the re-pin only pins (bootstrap again after)', () => {
      const mismatch = { code: 'HOST_KEY_MISMATCH', message: 'other key' };
      const history: NodeEvent[] = [...BOOTSTRAPPING, pinned, { type: 'NodeBootstrapFailed', data: { nodeId, error: mismatch } }];
      expect(given(nodeDecider, history).when(cmd('RecordHostKeyMismatch', { presentedFingerprint: fp2 })).then([])).toEqual([]);
      given(nodeDecider, history)
        .when(cmd('PinNodeHostKey', { fingerprint: fp2 }))
        .then([{ type: 'NodeHostKeyPinned', data: { nodeId, fingerprint: fp2, previousFingerprint: fp1 } }]);
    });
  });

  describe('RecordNodeHealth', () => {
    it('ready + unreachable -> unreachable', () => {
      given(nodeDecider, READY).when(cmd('RecordNodeHealth', { reachable: false, reason: 'ssh timeout' })).then([toUnreachable]);
      given(nodeDecider, READY).when(cmd('RecordNodeHealth', { reachable: false, reason: 'ssh timeout' })).thenState({ status: 'unreachable' });
    });
    it('unreachable + reachable -> ready', () => {
      given(nodeDecider, UNREACHABLE)
        .when(cmd('RecordNodeHealth', { reachable: true, reason: 'ssh ok' }))
        .then([{ type: 'NodeStatusChanged', data: { nodeId, from: 'unreachable', to: 'ready', reason: 'ssh ok' } }]);
    });
    it.each([
      ['ready', READY, true],
      ['unreachable', UNREACHABLE, false],
      ['pending', PENDING, false],
      ['bootstrapping', BOOTSTRAPPING, false],
      ['failed', FAILED, true],
      ['decommissioned', DECOMMISSIONED, false],
    ])('emits nothing when %s and reachable=%s', (_s, history, reachable) => {
      given(nodeDecider, history).when(cmd('RecordNodeHealth', { reachable: reachable as boolean, reason: 'x' })).then([]);
    });
  });

  describe('DecommissionNode', () => {
    it.each([
      ['ready', READY],
      ['failed', FAILED],
      ['pending', PENDING],
    ])('decommissions a %s node', (_s, history) => {
      given(nodeDecider, history).when(cmd('DecommissionNode', {})).then([decommissioned]);
      given(nodeDecider, history).when(cmd('DecommissionNode', {})).thenState({ status: 'decommissioned' });
    });
    it('is a no-op when already decommissioned', () => {
      given(nodeDecider, DECOMMISSIONED).when(cmd('DecommissionNode', {})).then([]);
    });
  });
});
