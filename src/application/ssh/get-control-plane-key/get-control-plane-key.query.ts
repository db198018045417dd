/** The control plane's SSH public key: what an operator puts into a node's authorized_keys. */
export class GetControlPlaneKeyQuery {}
