/** The public half of an environment's git deploy key (the private half never leaves the control plane but to its node). */
export class GetDeployKeyQuery {
  constructor(
    readonly siteId: string,
    readonly environment: string,
  ) {}
}
