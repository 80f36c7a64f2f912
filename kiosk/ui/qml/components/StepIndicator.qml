import QtQuick

// The application's steps; the current one highlighted.
Row {
    id: steps
    property int current: -1
    readonly property var labels: [qsTr("Choose"), qsTr("Details"), qsTr("Identify"), qsTr("Form"),
                                   qsTr("Documents"), qsTr("Check"), qsTr("Consent"), qsTr("Receipt")]
    spacing: 6
    visible: current >= 0
    Repeater {
        model: steps.labels.length
        Rectangle {
            required property int index
            width: (steps.width - steps.spacing * (steps.labels.length - 1)) / steps.labels.length
            height: label.implicitHeight + 16
            radius: 8
            // care mode (black header): done steps stay white with a check mark, the current one
            // is outlined in the header's text colour, so every label keeps ≥ 7:1 contrast
            color: index === steps.current ? Theme.primary
                   : index < steps.current && !Theme.careMode ? Qt.lighter(Theme.primary, 1.8)
                   : Theme.surface
            border.color: index === steps.current ? Theme.onHeader : Theme.border
            border.width: index === steps.current ? 3 : 1
            KText {
                id: label
                anchors.centerIn: parent
                width: parent.width - 8
                horizontalAlignment: Text.AlignHCenter
                text: (index < steps.current ? "✓ " : (index + 1) + " ") + steps.labels[index]
                font.pixelSize: Theme.fontSmall * 0.8
                color: index === steps.current ? Theme.onPrimary : Theme.text
                elide: Text.ElideRight
                wrapMode: Text.NoWrap
            }
        }
    }
}
