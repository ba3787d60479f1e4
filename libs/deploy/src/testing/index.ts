export { type DeployFixture, EDGE_URL, type FixtureOptions, LOAD_PATH, startDeployFixture, type Variant, VARIANTS } from './fixture.ts';
export { type LoadOptions, type LoadReport, type LoadRun, type LoadSample, startLoad } from './load.ts';
export { DOCUMENTED_CONFIG_FILE, documentedConfig } from './documented.ts';
