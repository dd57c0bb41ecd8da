import { patch } from "@web/core/utils/patch";
import { ListRenderer } from "@web/views/list/list_renderer";

/**
 * The calculation grid: Tab at the end of the last line adds a line of the
 * same kind (labour, part, sublet work, other costs), so that an estimator
 * types a run of parts straight through with the keyboard. The "Add ..."
 * links start another kind.
 */
patch(ListRenderer.prototype, {
    add(params) {
        const list = this.props.list;
        const record = list.editedRecord;
        if (
            list.resModel === "bodyshop.calculation.line" &&
            // Tab adds with the first "Add" link's context, Enter with none.
            (!params?.context || params.context === this.creates[0]?.context) &&
            record &&
            !record.data.display_type &&
            record.data.line_type
        ) {
            const lineType = record.data.line_type;
            // The kind only: a labour line starts as body work again.
            const labourType = lineType === "labour" ? "body" : false;
            const context = labourType
                ? `{'default_line_type': '${lineType}', 'default_labour_type': '${labourType}'}`
                : `{'default_line_type': '${lineType}'}`;
            params = { ...params, context };
        }
        return super.add(params);
    },
});
