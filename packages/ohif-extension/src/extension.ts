import { createCommandsModule } from './getCommandsModule.js';
import { getDataSourcesModule } from './getDataSourcesModule.js';
import { createPanelModule } from './getPanelModule.js';
import { EXTENSION_ID, EXTENSION_VERSION } from './id.js';
import type { CommandsManager, ExtensionManager, ServicesManager } from './ohif/ohifTypes.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

export interface ModuleArgs {
  servicesManager: ServicesManager;
  commandsManager: CommandsManager;
  extensionManager: ExtensionManager;
}

/**
 * The OHIF extension object. `index.ts` of an OHIF extension only assembles modules; here the
 * assembly is a factory so tests (and a second app instance) get a fresh runtime each.
 */
export function createExtension(options: RuntimeOptions) {
  let runtime: Runtime | undefined;
  const get = (): Runtime => {
    if (!runtime) throw new Error(`${EXTENSION_ID} was used before OHIF registered it (preRegistration has not run)`);
    return runtime;
  };
  return {
    id: EXTENSION_ID,
    version: EXTENSION_VERSION,
    preRegistration(args: ModuleArgs & { appConfig?: Record<string, unknown> }) {
      runtime = createRuntime(options, args);
    },
    onModeExit() {
      // Results stay registered for the session; a run in progress stops with the mode.
      runtime?.controller.cancel();
    },
    getCommandsModule: ({ servicesManager }: ModuleArgs) => createCommandsModule(get, servicesManager),
    getPanelModule: () => createPanelModule(get),
    getDataSourcesModule: () => getDataSourcesModule(),
    /** For scripts and tests: the live runtime (config, worker client, controller). */
    getRuntime: () => runtime,
  };
}
