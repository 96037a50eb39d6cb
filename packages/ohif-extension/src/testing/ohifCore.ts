import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The real @ohif/core (3.13.2, the version inside the prebuilt app the viewer serves) under jsdom:
 * its UMD bundle needs `self`, `window` and `document`, which the jsdom environment provides.
 * Loaded with require because it is a UMD/CommonJS bundle without types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OhifCore = any;

export function loadOhifCore(): OhifCore {
  return require('@ohif/core') as OhifCore;
}

/** The managers and services appInit creates, built from the real classes. */
export function createOhifApp(appConfig: Record<string, unknown> = {}) {
  const core = loadOhifCore();
  const commandsManager = new core.CommandsManager({ getAppState: () => ({}) });
  const servicesManager = new core.ServicesManager(commandsManager);
  const serviceProvidersManager = new core.ServiceProvidersManager();
  const hotkeysManager = new core.HotkeysManager(commandsManager, servicesManager);
  const extensionManager = new core.ExtensionManager({ commandsManager, servicesManager, serviceProvidersManager, hotkeysManager, appConfig });
  servicesManager.setExtensionManager(extensionManager);
  servicesManager.registerServices([
    core.UINotificationService.REGISTRATION,
    core.UIModalService.REGISTRATION,
    core.UIDialogService.REGISTRATION,
    core.MeasurementService.REGISTRATION,
    core.DisplaySetService.REGISTRATION,
    [core.CustomizationService.REGISTRATION, {}],
    core.ToolbarService.REGISTRATION,
    core.ViewportGridService.REGISTRATION,
    core.HangingProtocolService.REGISTRATION,
    core.PanelService.REGISTRATION,
  ]);
  return { core, commandsManager, servicesManager, extensionManager };
}

/**
 * OHIF's `createStoreFunction` command as the default extension (not loadable outside the app)
 * defines it for a named data source: register the instances with the DicomMetadataStore, then
 * call the source's `store.dicom` for each. Returns the list the registered instances go to.
 */
export function addCreateStoreFunction(app: ReturnType<typeof createOhifApp>): unknown[] {
  const registered: unknown[] = [];
  app.commandsManager.createContext('DEFAULT');
  app.commandsManager.registerCommand('DEFAULT', 'createStoreFunction', {
    commandFn: ({ dataSource }: { dataSource: string }) => {
      const source = app.extensionManager.getDataSources(dataSource)?.[0];
      if (!source?.store?.dicom) return null;
      return async (dicom: unknown) => {
        const instances = Array.isArray(dicom) ? dicom : [dicom];
        app.core.DicomMetadataStore.addInstances(instances, true);
        registered.push(...instances);
        for (const i of instances) await source.store.dicom(i);
      };
    },
  });
  return registered;
}
