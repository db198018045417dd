import { utils } from 'ssh2';
import { generateParsableKeyPair } from '../../../src/infrastructure/ssh/file-control-plane-key';

describe('control plane key generation', () => {
  it('never hands out a pair ssh2 cannot read back (ssh2 alone gets one in ~256 wrong)', () => {
    // 2,000 draws: with ssh2's generator alone, the chance that none is malformed is (255/256)^2000 ≈ 0.04 %.
    for (let i = 0; i < 2_000; i++) {
      const pair = generateParsableKeyPair('pressluft@test');
      const priv = utils.parseKey(pair.private);
      const pub = utils.parseKey(pair.public);
      expect(priv).not.toBeInstanceOf(Error);
      expect(pub).not.toBeInstanceOf(Error);
      const key = Array.isArray(pub) ? pub[0] : pub;
      if (key instanceof Error) throw key;
      // The wire blob: string "ssh-ed25519" (4 + 11 bytes) + string key (4 + 32 bytes).
      expect(key.getPublicSSH().length).toBe(51);
    }
  });
});
