import QtQuick
import "../components"

Item {
    Flickable {
        anchors { fill: parent; bottomMargin: applyButton.height + Theme.spacing }
        clip: true
        contentHeight: column.height
        Column {
            id: column
            width: parent.width
            spacing: Theme.spacing
            ScreenTitle { text: session.detail.name || "" }
            KText { width: parent.width; text: session.detail.description || "" }
            KText {
                width: parent.width
                color: Theme.muted
                text: qsTr("Department: %1").arg(session.detail.department || "")
            }
            Rectangle {
                width: parent.width
                height: facts.implicitHeight + 32
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                Column {
                    id: facts
                    anchors { fill: parent; margins: 16 }
                    spacing: 8
                    KText { width: parent.width; font.bold: true; text: session.detail.channel || "" }
                    KText { width: parent.width; text: qsTr("Visits to a window: at most %1").arg(session.detail.visits || 0) }
                    KText { width: parent.width; text: qsTr("Decision within %1 working day(s)").arg(session.detail.promisedDays || 0) }
                    KText {
                        width: parent.width
                        text: (session.detail.fee === "0") ? qsTr("Free of charge")
                                                           : qsTr("Fee: CNY %1").arg(session.detail.fee || "")
                    }
                }
            }
            KText { width: parent.width; font.bold: true; text: qsTr("Documents") }
            Repeater {
                model: session.detail.materials || []
                KText {
                    required property var modelData
                    width: column.width
                    text: "• " + modelData.name
                          + (modelData.scanned ? "  [" + qsTr("scanned here") + "]" : "")
                          + (modelData.original ? "  [" + qsTr("original checked at a window") + "]" : "")
                          + (modelData.note ? "\n   " + modelData.note : "")
                }
            }
            ErrorText { text: session.error }
        }
    }
    BigButton {
        id: applyButton
        objectName: "beginApplication"
        anchors { bottom: parent.bottom; right: parent.right }
        primary: true
        text: qsTr("Apply now")
        onClicked: session.beginApplication()
    }
}
