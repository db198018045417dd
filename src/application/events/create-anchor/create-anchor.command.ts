/** Signs the current head of the hash chain (after verifying the chain) and stores the anchor. */
export class CreateAnchorCommand {}
