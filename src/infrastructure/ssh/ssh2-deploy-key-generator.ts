import { DeployKeyGenerator, DeployKeyPair } from '../../application/ports/deploy-key-generator.port';
import { generateParsableKeyPair } from './file-control-plane-key';
import { fingerprintOfPublicKeyLine } from './host-key';

/** ed25519 pairs from ssh2's generator, drawn again until both halves parse (see generateParsableKeyPair). */
export class Ssh2DeployKeyGenerator extends DeployKeyGenerator {
  generate(comment: string): DeployKeyPair {
    const pair = generateParsableKeyPair(comment);
    return { privateKey: pair.private, publicKey: pair.public.trim() };
  }

  fingerprint(publicKey: string): string {
    return fingerprintOfPublicKeyLine(publicKey);
  }
}
