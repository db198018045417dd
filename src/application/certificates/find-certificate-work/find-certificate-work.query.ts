/** The environments whose certificate the scheduler should ask for now (see the handler for the rules). */
export class FindCertificateWorkQuery {
  constructor(
    /** ISO time of "now". */
    readonly now: string,
  ) {}
}
