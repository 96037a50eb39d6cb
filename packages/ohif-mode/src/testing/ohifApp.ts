import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The managers a mode meets in the app, from the real @ohif/core (3.13.2, the version inside the
 * prebuilt app; its UMD bundle loads under jsdom): commands, the toolbar and the extension manager.
 */
export function createOhifApp() {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const core = require('@ohif/core') as any;
  const commandsManager = new core.CommandsManager({ getAppState: () => ({}) });
  const servicesManager = new core.ServicesManager(commandsManager);
  const extensionManager = new core.ExtensionManager({ commandsManager, servicesManager, serviceProvidersManager: new core.ServiceProvidersManager(), hotkeysManager: new core.HotkeysManager(commandsManager, servicesManager), appConfig: {} });
  servicesManager.setExtensionManager(extensionManager);
  servicesManager.registerServices([core.UINotificationService.REGISTRATION, core.DisplaySetService.REGISTRATION, [core.CustomizationService.REGISTRATION, {}], core.ToolbarService.REGISTRATION, core.ViewportGridService.REGISTRATION, core.PanelService.REGISTRATION]);
  return { core, commandsManager, servicesManager, extensionManager };
}
