/** An environment's git deploy key: the OpenSSH private key (sealed, for the node only) and its public line. */
export interface DeployKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** Makes ed25519 deploy keys in OpenSSH format, which `ssh` on the node reads as they are. */
export abstract class DeployKeyGenerator {
  abstract generate(comment: string): DeployKeyPair;
  /** `SHA256:…` of a public key line, as `ssh-keygen -l` and Git hosts show it. */
  abstract fingerprint(publicKey: string): string;
}
