import type { Task } from '@meddiff/ohif-extension';
import { COMMANDS } from '@meddiff/ohif-extension/ids';
import { TOOLBAR_IDS } from './ids.js';

function taskButton(id: string, label: string, tooltip: string, icon: string, task: Task) {
  const { kind, ...rest } = task as { kind: string; factor?: number };
  return {
    id,
    uiType: 'ohif.toolButton',
    props: {
      icon,
      label,
      tooltip,
      commands: [
        { commandName: COMMANDS.selectTask, commandOptions: { kind, ...rest } },
        { commandName: COMMANDS.openPanel, commandOptions: {} },
      ],
      evaluate: 'evaluate.action',
    },
  };
}

/** The toolbar's Diffusion tools: a button list whose buttons choose a task and open the panel. */
export const toolbarButtons = [
  { id: TOOLBAR_IDS.section, uiType: 'ohif.toolButtonList', props: { buttonSection: true } },
  taskButton(TOOLBAR_IDS.superResolve2, 'Super-resolve x2', 'Diffusion super-resolution x2 of the active slice', 'tool-magnify', { kind: 'super-resolve', factor: 2 }),
  taskButton(TOOLBAR_IDS.superResolve4, 'Super-resolve x4', 'Diffusion super-resolution x4 of the active slice', 'tool-magnify', { kind: 'super-resolve', factor: 4 }),
  taskButton(TOOLBAR_IDS.denoise, 'Denoise', 'Diffusion denoising of the active slice', 'tool-window-level', { kind: 'denoise' }),
  taskButton(TOOLBAR_IDS.inpaint, 'Inpaint', 'Regenerate a drawn rectangle or a segment of the active slice', 'tool-rectangle', { kind: 'inpaint' }),
  taskButton(TOOLBAR_IDS.translate, 'Translate contrast', 'Synthesise another MRI contrast (e.g. FLAIR) from co-registered source series', 'tool-fusion-color', { kind: 'translate', target: '' }),
];

export const toolbarSections = {
  [TOOLBAR_IDS.section]: [TOOLBAR_IDS.superResolve2, TOOLBAR_IDS.superResolve4, TOOLBAR_IDS.denoise, TOOLBAR_IDS.inpaint, TOOLBAR_IDS.translate],
};
