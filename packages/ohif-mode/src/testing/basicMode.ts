import type { BasicModeInstance } from '../diffusionMode.js';

/**
 * The shape of @ohif/mode-basic's modeInstance (3.13): its hooks register `this.toolbarButtons`
 * and every entry of `this.toolbarSections`, as the real one does.
 */
export function basicMode(): BasicModeInstance {
  return {
    id: '@ohif/mode-basic',
    routeName: 'basic',
    routes: [{ path: 'basic', layoutTemplate: () => ({}), layoutInstance: { id: '@ohif/extension-default.layoutTemplateModule.viewerLayout', props: { leftPanels: ['series'], rightPanels: ['segmentation', 'measurements'], rightPanelClosed: true } } }],
    toolbarButtons: [{ id: 'Zoom', uiType: 'ohif.toolButton', props: { icon: 'tool-zoom', label: 'Zoom', commands: 'setToolActiveToolbar' } }],
    toolbarSections: { primary: ['Zoom'] },
    extensions: { '@ohif/extension-default': '^3.0.0' },
    onModeEnter(this: { toolbarButtons: unknown[]; toolbarSections: Record<string, string[]> }, { servicesManager }: { servicesManager: { services: { toolbarService: { register(b: unknown[]): void; updateSection(k: string, ids: string[]): void } } } }) {
      servicesManager.services.toolbarService.register(this.toolbarButtons);
      for (const [key, ids] of Object.entries(this.toolbarSections)) servicesManager.services.toolbarService.updateSection(key, ids);
    },
    onModeExit() {},
  } as unknown as BasicModeInstance;
}
