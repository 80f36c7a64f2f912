import QtQuick
import "../components"

// 好差评: five levels and optional reasons. The selection is the screen's own until "Send".
Item {
    id: rating
    property int level: 0
    property var reasons: []
    function toggle(code) {
        const copy = reasons.slice()
        const at = copy.indexOf(code)
        if (at >= 0) copy.splice(at, 1); else copy.push(code)
        reasons = copy
    }
    readonly property var levelLabels: [qsTr("Very poor"), qsTr("Poor"), qsTr("Fair"), qsTr("Good"), qsTr("Very good")]
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("How was this service?") }
        Flow {
            width: parent.width
            spacing: 10
            Repeater {
                model: 5
                BigButton {
                    required property int index
                    objectName: "level_" + (index + 1)
                    text: "★".repeat(index + 1) + "\n" + rating.levelLabels[index]
                    selected: rating.level === index + 1
                    pixelSize: Theme.fontSmall
                    onClicked: rating.level = index + 1
                }
            }
        }
        KText { width: parent.width; text: qsTr("Why? (optional)") }
        Flow {
            width: parent.width
            spacing: 10
            Repeater {
                model: session.ratingReasons
                BigButton {
                    required property var modelData
                    objectName: "reason_" + modelData.code
                    text: modelData.label
                    pixelSize: Theme.fontSmall
                    selected: rating.reasons.indexOf(modelData.code) >= 0
                    onClicked: rating.toggle(modelData.code)
                }
            }
        }
    }
    Row {
        anchors { bottom: parent.bottom; right: parent.right }
        spacing: Theme.spacing
        BigButton {
            objectName: "skipRating"
            text: qsTr("Skip")
            onClicked: session.skipRating()
        }
        BigButton {
            objectName: "sendRating"
            primary: true
            enabled: rating.level > 0
            text: qsTr("Send")
            onClicked: session.rate(rating.level, rating.reasons)
        }
    }
}
