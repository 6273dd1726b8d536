// The parts of ECharts the app draws, imported by name so the bundler leaves
// the rest out (the whole library is ~1 MB; these parts are a fraction).
// Loaded with import() from EChart.vue, so it stays in the lazy echarts chunk.
import { use, init } from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer])

export { init }
