export class VerifyEventsQuery {}
