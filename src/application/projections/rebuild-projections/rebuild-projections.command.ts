export class RebuildProjectionsCommand {}
